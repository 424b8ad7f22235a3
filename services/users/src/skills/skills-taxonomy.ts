/**
 * The skills taxonomy: data in `skills.json` (so it can grow without code changes), checked
 * when the service starts. A broken file stops the service instead of answering wrong skills.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  PROFILE_LIMITS,
  SKILL_CODE_PATTERN,
  SKILL_GROUPS,
  type SkillGroup,
  type SkillView,
} from '@spilno/contracts';

export const SKILLS_FILE = path.join(__dirname, 'skills.json');

const NAME_MAX_LENGTH = 120;
const CYRILLIC = /[\u0400-\u04FF]/;

export class SkillsTaxonomy {
  private readonly codes: ReadonlySet<string>;

  private constructor(private readonly skills: readonly SkillView[]) {
    this.codes = new Set(skills.map((s) => s.code));
  }

  /** Reads and checks the data file; throws, naming every problem, when it is invalid. */
  static load(file: string = SKILLS_FILE): SkillsTaxonomy {
    let data: unknown;
    try {
      data = JSON.parse(readFileSync(file, 'utf8'));
    } catch (e) {
      throw new Error(`skills taxonomy ${file} cannot be read: ${(e as Error).message}`);
    }
    return SkillsTaxonomy.from(data, file);
  }

  static from(data: unknown, source = 'data'): SkillsTaxonomy {
    const problems = taxonomyProblems(data);
    if (problems.length > 0) {
      throw new Error(`skills taxonomy ${source} is invalid: ${problems.join('; ')}`);
    }
    return new SkillsTaxonomy(toViews(data as TaxonomyFile));
  }

  list(): readonly SkillView[] {
    return this.skills;
  }

  has(code: string): boolean {
    return this.codes.has(code);
  }
}

interface LocalizedName {
  uk: string;
  en: string;
}

interface TaxonomyFile {
  groups: Record<SkillGroup, LocalizedName>;
  skills: { code: string; group: SkillGroup; name: LocalizedName }[];
}

function toViews(file: TaxonomyFile): SkillView[] {
  return file.skills.map(({ code, group, name }) => ({
    code,
    name: { uk: name.uk, en: name.en },
    group,
    groupName: { ...file.groups[group] },
  }));
}

/** Every problem of the file, so one run shows them all. */
export function taxonomyProblems(data: unknown): string[] {
  if (!isRecord(data)) return ['the file must hold an object { groups, skills }'];
  return [...groupProblems(data.groups), ...skillProblems(data.skills)];
}

function groupProblems(groups: unknown): string[] {
  if (!isRecord(groups)) return ['groups must be an object of group code to { uk, en }'];
  const known = new Set<string>(SKILL_GROUPS);
  return [
    ...SKILL_GROUPS.filter((g) => !(g in groups)).map((g) => `group ${g} has no names`),
    ...Object.keys(groups)
      .filter((g) => !known.has(g))
      .map((g) => `group ${g} is not one of ${SKILL_GROUPS.join(', ')}`),
    ...Object.entries(groups).flatMap(([g, name]) => nameProblems(`group ${g}`, name)),
  ];
}

function skillProblems(skills: unknown): string[] {
  if (!Array.isArray(skills) || skills.length === 0) return ['skills must be a non-empty array'];
  const seen = new Set<string>();
  const problems = skills.flatMap((skill: unknown, i) => {
    if (!isRecord(skill)) return [`skills[${i}] must be an object`];
    const label = `skills[${i}] (${String(skill.code)})`;
    const own = [...codeProblems(label, skill.code), ...nameProblems(label, skill.name)];
    if (!SKILL_GROUPS.includes(skill.group as SkillGroup)) {
      own.push(`${label} has an unknown group ${String(skill.group)}`);
    }
    if (typeof skill.code === 'string') {
      if (seen.has(skill.code)) own.push(`${label} repeats a code`);
      seen.add(skill.code);
    }
    return own;
  });
  const groupsUsed = new Set(skills.map((s: unknown) => (isRecord(s) ? s.group : undefined)));
  const empty = SKILL_GROUPS.filter((g) => !groupsUsed.has(g)).map((g) => `group ${g} is empty`);
  return [...problems, ...empty];
}

function codeProblems(label: string, code: unknown): string[] {
  const valid =
    typeof code === 'string' &&
    SKILL_CODE_PATTERN.test(code) &&
    code.length <= PROFILE_LIMITS.skillCodeMaxLength;
  return valid
    ? []
    : [`${label}: code must be lower snake case, at most ${PROFILE_LIMITS.skillCodeMaxLength}`];
}

function nameProblems(label: string, name: unknown): string[] {
  if (!isRecord(name)) return [`${label}: name must be { uk, en }`];
  const problems: string[] = [];
  for (const locale of ['uk', 'en'] as const) {
    const text = name[locale];
    if (typeof text !== 'string' || text.trim() === '' || text.length > NAME_MAX_LENGTH) {
      problems.push(`${label}: name.${locale} must be 1..${NAME_MAX_LENGTH} characters`);
    }
  }
  // A Latin "Ukrainian" name is a copy-paste slip of the English one.
  if (typeof name.uk === 'string' && !CYRILLIC.test(name.uk)) {
    problems.push(`${label}: name.uk must be written in Ukrainian`);
  }
  return problems;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
