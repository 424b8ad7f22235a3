/**
 * Demo data for `npm start -- --seed`: organizations, initiatives in the three modes of
 * Linders' typology across several oblasts, tasks with shifts, volunteers with skills, their
 * applications, co-design proposals and votes, co-monitoring reports. Invented people and
 * groups; places and kinds of work are the ones Ukrainian civic volunteering knows.
 * Times are relative to the moment of seeding (`inDays`), so shifts are always upcoming.
 */
export interface SeedOrganization {
  key: string;
  name: string;
  kind: 'ngo' | 'civic_group' | 'municipality' | 'business';
  region: string;
  description: string;
  owner: SeedPerson;
}

export interface SeedPerson {
  email: string;
  displayName: string;
  locale: 'uk' | 'en';
}

export interface SeedVolunteer extends SeedPerson {
  region: string;
  district: string;
  birthYear: number;
  languages: string[];
  skills: { code: string; level: 1 | 2 | 3 }[];
  availability: { day: string; from: string; to: string }[];
  maxHoursPerWeek: number;
  location: { lat: number; lng: number };
}

export interface SeedTask {
  title: string;
  description: string;
  requiredSkills: string[];
  slots: number;
  /** Days from now, and the shift's start hour and length (Kyiv time is UTC+2/+3: UTC here). */
  day: number;
  hour: number;
  hours: number;
  urgency: 'low' | 'normal' | 'high' | 'critical';
  autoAccept: boolean;
}

export interface SeedInitiative {
  organization: string;
  title: string;
  description: string;
  mode: 'co-design' | 'co-delivery' | 'co-monitoring';
  category: string;
  region: string;
  district: string;
  location: { lat: number; lng: number };
  tags: string[];
  tasks?: SeedTask[];
  proposals?: { by: string; title: string; body: string; votes: string[] }[];
  reports?: {
    by: string;
    title: string;
    description: string;
    severity: 'low' | 'medium' | 'high' | 'critical';
    location: { lat: number; lng: number };
    daysAgo: number;
  }[];
}

const person = (email: string, displayName: string): SeedPerson => ({
  email: `${email}@demo.spilno.local`,
  displayName,
  locale: 'uk',
});

export const ORGANIZATIONS: SeedOrganization[] = [
  {
    key: 'dnipro',
    name: 'Громадська ініціатива «Відновимо Дніпро разом»',
    kind: 'civic_group',
    region: 'UA-12',
    description: 'Сусіди, що з 2022 року лагодять вікна, дахи й укриття після обстрілів.',
    owner: person('iryna.koval', 'Ірина Коваль'),
  },
  {
    key: 'kharkiv',
    name: 'БФ «Харківська турбота»',
    kind: 'ngo',
    region: 'UA-63',
    description: 'Гарячі обіди, ліки та догляд для людей похилого віку на Салтівці.',
    owner: person('oleh.marchenko', 'Олег Марченко'),
  },
  {
    key: 'zaporizhzhia',
    name: 'Департамент соціального захисту Запорізької міської ради',
    kind: 'municipality',
    region: 'UA-23',
    description: 'Міська програма підтримки внутрішньо переміщених осіб і донорства крові.',
    owner: person('natalia.shevchuk', 'Наталія Шевчук'),
  },
  {
    key: 'lviv',
    name: 'Львівський волонтерський хаб',
    kind: 'ngo',
    region: 'UA-46',
    description: 'Сортування й доставка гуманітарної допомоги, прихисток для переселенців.',
    owner: person('andrii.hnatiuk', 'Андрій Гнатюк'),
  },
  {
    key: 'mykolaiv',
    name: 'ГО «Чиста вода Миколаєва»',
    kind: 'civic_group',
    region: 'UA-48',
    description: 'Громадський контроль якості питної води та стану водогонів.',
    owner: person('svitlana.bondar', 'Світлана Бондар'),
  },
];

const weekdays = (from: string, to: string) =>
  ['mon', 'tue', 'wed', 'thu', 'fri'].map((day) => ({ day, from, to }));
const weekend = (from: string, to: string) => ['sat', 'sun'].map((day) => ({ day, from, to }));

export const VOLUNTEERS: SeedVolunteer[] = [
  {
    ...person('taras.melnyk', 'Тарас Мельник'),
    region: 'UA-12',
    district: 'Дніпровська міська громада',
    birthYear: 1988,
    languages: ['uk', 'en'],
    skills: [
      { code: 'window_glazing', level: 3 },
      { code: 'roof_repair', level: 2 },
      { code: 'driving_licence_b', level: 2 },
    ],
    availability: weekend('09:00', '18:00'),
    maxHoursPerWeek: 12,
    location: { lat: 48.46, lng: 35.05 },
  },
  {
    ...person('olena.lysenko', 'Олена Лисенко'),
    region: 'UA-12',
    district: 'Дніпровська міська громада',
    birthYear: 1995,
    languages: ['uk', 'en', 'pl'],
    skills: [
      { code: 'first_aid', level: 2 },
      { code: 'psychological_first_aid', level: 3 },
      { code: 'child_psychosocial_support', level: 2 },
    ],
    availability: [...weekdays('18:00', '21:00'), ...weekend('10:00', '14:00')],
    maxHoursPerWeek: 10,
    location: { lat: 48.47, lng: 35.02 },
  },
  {
    ...person('mykola.savchenko', 'Микола Савченко'),
    region: 'UA-63',
    district: 'Харківська міська громада',
    birthYear: 1961,
    languages: ['uk'],
    skills: [
      { code: 'field_kitchen', level: 3 },
      { code: 'food_safety', level: 2 },
      { code: 'driving_licence_c', level: 3 },
    ],
    availability: weekdays('08:00', '14:00'),
    maxHoursPerWeek: 20,
    location: { lat: 50.03, lng: 36.34 },
  },
  {
    ...person('daria.kravets', 'Дарʼя Кравець'),
    region: 'UA-63',
    district: 'Харківська міська громада',
    birthYear: 2001,
    languages: ['uk', 'en', 'de'],
    skills: [
      { code: 'aid_distribution', level: 2 },
      { code: 'social_media', level: 3 },
      { code: 'translation_english', level: 3 },
    ],
    availability: weekend('10:00', '17:00'),
    maxHoursPerWeek: 8,
    location: { lat: 49.99, lng: 36.23 },
  },
  {
    ...person('yurii.tkachenko', 'Юрій Ткаченко'),
    region: 'UA-23',
    district: 'Запорізька міська громада',
    birthYear: 1979,
    languages: ['uk'],
    skills: [
      { code: 'electrical_work', level: 3 },
      { code: 'debris_clearing', level: 2 },
      { code: 'loading_unloading', level: 2 },
    ],
    availability: weekdays('07:00', '12:00'),
    maxHoursPerWeek: 15,
    location: { lat: 47.84, lng: 35.14 },
  },
  {
    ...person('sofiia.romaniuk', 'Софія Романюк'),
    region: 'UA-46',
    district: 'Львівська міська громада',
    birthYear: 1998,
    languages: ['uk', 'en', 'pl'],
    skills: [
      { code: 'warehouse_logistics', level: 2 },
      { code: 'idp_documents', level: 2 },
      { code: 'volunteer_coordination', level: 3 },
    ],
    availability: [...weekdays('17:00', '20:00'), ...weekend('09:00', '15:00')],
    maxHoursPerWeek: 12,
    location: { lat: 49.84, lng: 24.03 },
  },
  {
    ...person('bohdan.pylypenko', 'Богдан Пилипенко'),
    region: 'UA-48',
    district: 'Миколаївська міська громада',
    birthYear: 1990,
    languages: ['uk'],
    skills: [
      { code: 'data_analysis', level: 2 },
      { code: 'plumbing', level: 2 },
      { code: 'driving_licence_b', level: 1 },
    ],
    availability: weekend('08:00', '16:00'),
    maxHoursPerWeek: 10,
    location: { lat: 46.97, lng: 31.99 },
  },
  {
    ...person('kateryna.oliinyk', 'Катерина Олійник'),
    region: 'UA-12',
    district: 'Камʼянська міська громада',
    birthYear: 1984,
    languages: ['uk', 'en'],
    skills: [
      { code: 'bedridden_patient_care', level: 3 },
      { code: 'first_aid', level: 3 },
      { code: 'mass_catering', level: 1 },
    ],
    availability: weekdays('10:00', '16:00'),
    maxHoursPerWeek: 16,
    location: { lat: 48.51, lng: 34.61 },
  },
];

export const INITIATIVES: SeedInitiative[] = [
  {
    organization: 'dnipro',
    title: 'Заміна вибитих вікон у будинках на Тополі',
    description:
      'Після нічного обстрілу в трьох девʼятиповерхівках вибито понад 200 вікон. ' +
      'Закриваємо прорізи плівкою й OSB до приходу холодів, потім ставимо склопакети.',
    mode: 'co-delivery',
    category: 'reconstruction',
    region: 'UA-12',
    district: 'Дніпровська міська громада',
    location: { lat: 48.43, lng: 35.02 },
    tags: ['вікна', 'OSB', 'після обстрілу'],
    tasks: [
      {
        title: 'Замір віконних прорізів',
        description: 'Обійти квартири з мешканцями, записати розміри прорізів.',
        requiredSkills: ['window_glazing'],
        slots: 4,
        day: 2,
        hour: 8,
        hours: 5,
        urgency: 'high',
        autoAccept: true,
      },
      {
        title: 'Монтаж плівки та OSB',
        description: 'Тимчасове закриття прорізів; інструмент і матеріали на місці.',
        requiredSkills: ['window_glazing', 'masonry_plastering'],
        slots: 10,
        day: 3,
        hour: 8,
        hours: 8,
        urgency: 'critical',
        autoAccept: false,
      },
      {
        title: 'Винесення уламків скла',
        description: 'Рукавиці й мішки видаємо. Потрібна фізична витривалість.',
        requiredSkills: ['debris_clearing'],
        slots: 8,
        day: 2,
        hour: 13,
        hours: 4,
        urgency: 'normal',
        autoAccept: true,
      },
    ],
  },
  {
    organization: 'kharkiv',
    title: 'Гарячі обіди для людей похилого віку на Салтівці',
    description:
      'Щодня готуємо 300 обідів і розвозимо тим, хто не може вийти з дому: ' +
      'одиноким літнім людям і людям з інвалідністю.',
    mode: 'co-delivery',
    category: 'elderly_care',
    region: 'UA-63',
    district: 'Харківська міська громада',
    location: { lat: 50.02, lng: 36.33 },
    tags: ['обіди', 'Салтівка', 'літні люди'],
    tasks: [
      {
        title: 'Приготування обідів на польовій кухні',
        description: 'Зміна на кухні: овочі, супи, каші. Санітарна книжка бажана.',
        requiredSkills: ['field_kitchen', 'food_safety'],
        slots: 6,
        day: 1,
        hour: 7,
        hours: 5,
        urgency: 'high',
        autoAccept: true,
      },
      {
        title: 'Розвезення обідів по квартирах',
        description: 'Маршрут на 40 адрес; потрібне власне авто.',
        requiredSkills: ['driving_licence_b'],
        slots: 5,
        day: 1,
        hour: 12,
        hours: 3,
        urgency: 'normal',
        autoAccept: false,
      },
    ],
  },
  {
    organization: 'zaporizhzhia',
    title: 'Донорський день у Запоріжжі',
    description:
      'Обласна станція переливання крові потребує донорів усіх груп. ' +
      'Допоможіть із реєстрацією донорів і підтримкою після донації.',
    mode: 'co-delivery',
    category: 'blood_donation',
    region: 'UA-23',
    district: 'Запорізька міська громада',
    location: { lat: 47.84, lng: 35.14 },
    tags: ['донорство', 'кров'],
    tasks: [
      {
        title: 'Реєстрація донорів',
        description: 'Зустріч, анкети, черга. Навчання на місці.',
        requiredSkills: ['volunteer_coordination'],
        slots: 3,
        day: 5,
        hour: 8,
        hours: 6,
        urgency: 'normal',
        autoAccept: true,
      },
    ],
  },
  {
    organization: 'lviv',
    title: 'Сортування гуманітарної допомоги для переселенців',
    description:
      'На склад щотижня приходить дві фури допомоги. Сортуємо одяг, гігієну, ' +
      'продукти, формуємо набори для родин, що приїхали зі сходу.',
    mode: 'co-delivery',
    category: 'humanitarian_aid',
    region: 'UA-46',
    district: 'Львівська міська громада',
    location: { lat: 49.83, lng: 24.01 },
    tags: ['склад', 'ВПО', 'набори'],
    tasks: [
      {
        title: 'Сортування на складі',
        description: 'Зміна 4 години, склад на Городоцькій.',
        requiredSkills: ['warehouse_logistics'],
        slots: 12,
        day: 4,
        hour: 9,
        hours: 4,
        urgency: 'low',
        autoAccept: true,
      },
      {
        title: 'Консультації з документів для ВПО',
        description: 'Допомога з довідками ВПО та соціальними виплатами.',
        requiredSkills: ['idp_documents'],
        slots: 2,
        day: 6,
        hour: 10,
        hours: 4,
        urgency: 'normal',
        autoAccept: false,
      },
    ],
  },
  {
    organization: 'dnipro',
    title: 'Як облаштувати укриття в школі № 45',
    description:
      'Школа повертається до очного навчання. Разом з батьками, вчителями й учнями ' +
      'вирішуємо, що потрібно в укритті: освітлення, вентиляція, місця для занять.',
    mode: 'co-design',
    category: 'education',
    region: 'UA-12',
    district: 'Дніпровська міська громада',
    location: { lat: 48.45, lng: 35.04 },
    tags: ['укриття', 'школа', 'освіта'],
    proposals: [
      {
        by: 'olena.lysenko',
        title: 'Куток психологічного розвантаження',
        body: 'Окрема зона з мʼякими килимками й іграми для молодших класів під час тривог.',
        votes: ['taras.melnyk', 'kateryna.oliinyk', 'daria.kravets'],
      },
      {
        by: 'taras.melnyk',
        title: 'Автономне освітлення на акумуляторах',
        body: 'LED-стрічки з акумуляторами, щоб заняття не зупинялися під час блекаутів.',
        votes: ['olena.lysenko', 'yurii.tkachenko'],
      },
      {
        by: 'kateryna.oliinyk',
        title: 'Аптечка й навчання першої допомоги для вчителів',
        body: 'Укомплектувати аптечку та провести тренінг для кожного вчителя.',
        votes: ['olena.lysenko'],
      },
    ],
  },
  {
    organization: 'kharkiv',
    title: 'Маршрути громадського транспорту після обстрілів',
    description:
      'Частину тролейбусних ліній пошкоджено. Збираємо пропозиції мешканців, ' +
      'які маршрути відновити першими і де потрібні тимчасові автобуси.',
    mode: 'co-design',
    category: 'infrastructure',
    region: 'UA-63',
    district: 'Харківська міська громада',
    location: { lat: 49.99, lng: 36.23 },
    tags: ['транспорт', 'маршрути'],
    proposals: [
      {
        by: 'daria.kravets',
        title: 'Тимчасовий автобус до Північної Салтівки',
        body: 'Поки лінія не відновлена, пустити автобус кожні 15 хвилин у години пік.',
        votes: ['mykola.savchenko'],
      },
    ],
  },
  {
    organization: 'dnipro',
    title: 'Моніторинг стану укриттів у Дніпрі',
    description:
      'Мешканці перевіряють, чи відчинені укриття під час тривоги, чи є вода, ' +
      'світло й доступ для людей з інвалідністю. Підтверджені звернення передаємо в ОВА.',
    mode: 'co-monitoring',
    category: 'shelter',
    region: 'UA-12',
    district: 'Дніпровська міська громада',
    location: { lat: 48.46, lng: 35.04 },
    tags: ['укриття', 'доступність'],
    reports: [
      {
        by: 'olena.lysenko',
        title: 'Укриття на вул. Гліба Бабіча зачинене під час тривоги',
        description: 'О 02:10 двері були зачинені, ключа у консьєржки немає.',
        severity: 'high',
        location: { lat: 48.4647, lng: 35.0462 },
        daysAgo: 2,
      },
      {
        by: 'taras.melnyk',
        title: 'Немає пандуса до укриття біля школи',
        description: 'Людина на візку не може спуститися; потрібен пандус або ліфт.',
        severity: 'medium',
        location: { lat: 48.4512, lng: 35.0398 },
        daysAgo: 5,
      },
    ],
  },
  {
    organization: 'mykolaiv',
    title: 'Якість питної води в Миколаєві',
    description:
      'Після пошкодження водогону мешканці вимірюють мутність і запах води, ' +
      'позначають точки проблем на мапі; громада вимагає ремонту.',
    mode: 'co-monitoring',
    category: 'environment',
    region: 'UA-48',
    district: 'Миколаївська міська громада',
    location: { lat: 46.97, lng: 31.99 },
    tags: ['вода', 'водогін'],
    reports: [
      {
        by: 'bohdan.pylypenko',
        title: 'Жовта вода з крана в Корабельному районі',
        description: 'Третій день поспіль вода жовтого кольору з запахом заліза.',
        severity: 'critical',
        location: { lat: 46.8533, lng: 32.0165 },
        daysAgo: 1,
      },
    ],
  },
];

/** Who applies to which task: [volunteer, initiative title prefix, task title prefix]. */
export const APPLICATIONS: [string, string, string][] = [
  ['taras.melnyk', 'Заміна вибитих вікон', 'Замір віконних'],
  ['yurii.tkachenko', 'Заміна вибитих вікон', 'Винесення уламків'],
  ['mykola.savchenko', 'Гарячі обіди', 'Приготування обідів'],
  ['kateryna.oliinyk', 'Гарячі обіди', 'Приготування обідів'],
  ['daria.kravets', 'Гарячі обіди', 'Розвезення обідів'],
  ['sofiia.romaniuk', 'Сортування гуманітарної', 'Сортування на складі'],
];
