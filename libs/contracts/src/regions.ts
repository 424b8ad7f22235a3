/**
 * Ukraine's first-level divisions (ISO 3166-2:UA): 24 oblasts, the city of Kyiv, the
 * Autonomous Republic of Crimea and Sevastopol. Profiles, initiatives and research exports
 * name a region by its code; matching falls back to the centroid when a person gave no exact
 * location; k-anonymous exports coarsen a region to its macro-region.
 */

export const MACRO_REGIONS = ['north', 'south', 'east', 'west', 'centre'] as const;
export type MacroRegion = (typeof MACRO_REGIONS)[number];

export interface LocalizedText {
  uk: string;
  en: string;
}

/** The macro-regions' names, for research exports and the web page. */
export const MACRO_REGION_NAMES: Record<MacroRegion, LocalizedText> = {
  north: { uk: 'Північ', en: 'North' },
  south: { uk: 'Південь', en: 'South' },
  east: { uk: 'Схід', en: 'East' },
  west: { uk: 'Захід', en: 'West' },
  centre: { uk: 'Центр', en: 'Centre' },
};

export interface Region {
  /** ISO 3166-2:UA, e.g. `UA-12` (Dnipropetrovsk oblast). */
  code: string;
  name: LocalizedText;
  /**
   * A conventional survey grouping (as used by Ukrainian pollsters), not an administrative
   * unit: coarse enough that a region's people stay many.
   */
  macroRegion: MacroRegion;
  /** An approximate geographic centre, to 0.1 degree: a fallback for distances only. */
  centroid: { lat: number; lng: number };
}

export const REGIONS = [
  region('UA-05', 'Вінницька область', 'Vinnytsia Oblast', 'centre', 48.9, 28.7),
  region('UA-07', 'Волинська область', 'Volyn Oblast', 'west', 51.2, 25.0),
  region('UA-09', 'Луганська область', 'Luhansk Oblast', 'east', 48.9, 39.0),
  region('UA-12', 'Дніпропетровська область', 'Dnipropetrovsk Oblast', 'centre', 48.3, 34.9),
  region('UA-14', 'Донецька область', 'Donetsk Oblast', 'east', 48.1, 37.7),
  region('UA-18', 'Житомирська область', 'Zhytomyr Oblast', 'north', 50.6, 28.3),
  region('UA-21', 'Закарпатська область', 'Zakarpattia Oblast', 'west', 48.4, 23.3),
  region('UA-23', 'Запорізька область', 'Zaporizhzhia Oblast', 'south', 47.3, 35.6),
  region('UA-26', 'Івано-Франківська область', 'Ivano-Frankivsk Oblast', 'west', 48.7, 24.6),
  region('UA-30', 'Київ', 'Kyiv', 'north', 50.45, 30.52),
  region('UA-32', 'Київська область', 'Kyiv Oblast', 'north', 50.3, 30.6),
  region('UA-35', 'Кіровоградська область', 'Kirovohrad Oblast', 'centre', 48.4, 32.0),
  region('UA-40', 'Севастополь', 'Sevastopol', 'south', 44.6, 33.5),
  region(
    'UA-43',
    'Автономна Республіка Крим',
    'Autonomous Republic of Crimea',
    'south',
    45.3,
    34.2,
  ),
  region('UA-46', 'Львівська область', 'Lviv Oblast', 'west', 49.7, 23.9),
  region('UA-48', 'Миколаївська область', 'Mykolaiv Oblast', 'south', 47.4, 31.8),
  region('UA-51', 'Одеська область', 'Odesa Oblast', 'south', 46.6, 30.0),
  region('UA-53', 'Полтавська область', 'Poltava Oblast', 'centre', 49.6, 33.9),
  region('UA-56', 'Рівненська область', 'Rivne Oblast', 'west', 51.0, 26.4),
  region('UA-59', 'Сумська область', 'Sumy Oblast', 'north', 50.9, 34.1),
  region('UA-61', 'Тернопільська область', 'Ternopil Oblast', 'west', 49.3, 25.6),
  region('UA-63', 'Харківська область', 'Kharkiv Oblast', 'east', 49.5, 36.5),
  region('UA-65', 'Херсонська область', 'Kherson Oblast', 'south', 46.6, 33.5),
  region('UA-68', 'Хмельницька область', 'Khmelnytskyi Oblast', 'west', 49.4, 27.0),
  region('UA-71', 'Черкаська область', 'Cherkasy Oblast', 'centre', 49.1, 31.4),
  region('UA-74', 'Чернігівська область', 'Chernihiv Oblast', 'north', 51.3, 32.2),
  region('UA-77', 'Чернівецька область', 'Chernivtsi Oblast', 'west', 48.3, 26.1),
] as const satisfies readonly Region[];

export type RegionCode = (typeof REGIONS)[number]['code'];
export const REGION_CODES: readonly RegionCode[] = REGIONS.map((r) => r.code);

const BY_CODE = new Map<string, Region>(REGIONS.map((r) => [r.code, r]));

export function isRegionCode(value: unknown): value is RegionCode {
  return typeof value === 'string' && BY_CODE.has(value);
}

/** The region of `code`, or undefined for a code that is not on the list. */
export function regionByCode(code: string): Region | undefined {
  return BY_CODE.get(code);
}

/**
 * A rectangle around Ukraine (about 44.3..52.4 N, 22.1..40.2 E, with a margin): locations
 * outside it are typing mistakes (swapped lat/lng), not volunteers.
 */
export const UKRAINE_BOUNDS = { minLat: 44, maxLat: 53, minLng: 22, maxLng: 41 } as const;

function region<C extends string>(
  code: C,
  uk: string,
  en: string,
  macroRegion: MacroRegion,
  lat: number,
  lng: number,
) {
  return { code, name: { uk, en }, macroRegion, centroid: { lat, lng } };
}
