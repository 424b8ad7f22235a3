import { readFileSync } from 'node:fs';
import { SKILL_GROUPS } from '@spilno/contracts';
import { SKILLS_FILE, SkillsTaxonomy } from './skills-taxonomy';

type TaxonomyData = {
  groups: Record<string, unknown>;
  skills: Record<string, unknown>[];
};

/** A fresh copy of the shipped data file, to break in one place per test. */
function shippedData(): TaxonomyData {
  return JSON.parse(readFileSync(SKILLS_FILE, 'utf8')) as TaxonomyData;
}

describe('SkillsTaxonomy', () => {
  it('loads the shipped file: about 40 skills, every group used, named in uk and en', () => {
    const taxonomy = SkillsTaxonomy.load();
    const skills = taxonomy.list();

    expect(skills.length).toBeGreaterThanOrEqual(35);
    expect(skills.length).toBeLessThanOrEqual(60);
    expect(new Set(skills.map((s) => s.group))).toEqual(new Set(SKILL_GROUPS));
    expect(skills.find((s) => s.code === 'first_aid')).toEqual({
      code: 'first_aid',
      name: { uk: 'Перша домедична допомога', en: 'First aid' },
      group: 'medical',
      groupName: { uk: 'Медицина', en: 'Medical' },
    });
    expect(taxonomy.has('psychological_first_aid')).toBe(true);
    expect(taxonomy.has('driving_licence_c')).toBe(true);
    expect(taxonomy.has('electrical_work')).toBe(true);
    expect(taxonomy.has('juggling')).toBe(false);
    expect(taxonomy.has('__proto__')).toBe(false);
  });

  it.each<[string, (data: TaxonomyData) => void, RegExp]>([
    ['a repeated code', (d) => d.skills.push({ ...d.skills[0] }), /repeats a code/],
    ['a missing Ukrainian name', (d) => (d.skills[1].name = { en: 'First aid' }), /name\.uk/],
    [
      'a Latin "Ukrainian" name',
      (d) => (d.skills[1].name = { uk: 'Plumbing', en: 'Plumbing' }),
      /written in Ukrainian/,
    ],
    ['an unknown group', (d) => (d.skills[2].group = 'juggling'), /unknown group juggling/],
    ['a code that is not snake case', (d) => (d.skills[3].code = 'First Aid'), /lower snake case/],
    ['a group without names', (d) => delete d.groups.legal, /group legal has no names/],
    [
      'a group that is not declared',
      (d) => (d.groups.magic = { uk: 'Магія', en: 'Magic' }),
      /group magic is not one of/,
    ],
  ])('refuses %s, naming it', (_case, breakIt, problem) => {
    const data = shippedData();
    breakIt(data);
    expect(() => SkillsTaxonomy.from(data)).toThrow(problem);
  });

  it('refuses a file that is not JSON, naming the file', () => {
    expect(() => SkillsTaxonomy.load(__filename)).toThrow(/cannot be read/);
  });
});
