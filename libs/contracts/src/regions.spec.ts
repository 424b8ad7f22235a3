import {
  isRegionCode,
  MACRO_REGION_NAMES,
  MACRO_REGIONS,
  REGION_CODES,
  regionByCode,
  REGIONS,
  UKRAINE_BOUNDS,
} from './regions';

describe('REGIONS', () => {
  it('lists the 24 oblasts, Kyiv, Crimea and Sevastopol once each, by ISO 3166-2:UA code', () => {
    expect(REGIONS).toHaveLength(27);
    expect(new Set(REGION_CODES).size).toBe(27);
    for (const code of REGION_CODES) expect(code).toMatch(/^UA-\d{2}$/);
    expect(REGIONS.filter((r) => r.name.en.endsWith(' Oblast'))).toHaveLength(24);
    expect(regionByCode('UA-12')?.name).toEqual({
      uk: 'Дніпропетровська область',
      en: 'Dnipropetrovsk Oblast',
    });
    expect(regionByCode('UA-30')?.name.en).toBe('Kyiv');
    expect(regionByCode('UA-43')?.name.en).toBe('Autonomous Republic of Crimea');
    expect(regionByCode('UA-40')?.name.en).toBe('Sevastopol');
  });

  it('names every region in Ukrainian (Cyrillic) and English', () => {
    for (const { name } of REGIONS) {
      expect(name.uk).toMatch(/^[\u0400-\u04FF' -]+$/);
      expect(name.en).toMatch(/^[A-Za-z' -]+$/);
    }
  });

  it('puts every region in a macro-region and every macro-region has regions', () => {
    for (const r of REGIONS) expect(MACRO_REGIONS).toContain(r.macroRegion);
    for (const macro of MACRO_REGIONS) {
      expect(REGIONS.some((r) => r.macroRegion === macro)).toBe(true);
      expect(MACRO_REGION_NAMES[macro].uk).toMatch(/[\u0400-\u04FF]/);
    }
  });

  it('has every centroid inside the bounds locations must be in', () => {
    for (const { centroid } of REGIONS) {
      expect(centroid.lat).toBeGreaterThanOrEqual(UKRAINE_BOUNDS.minLat);
      expect(centroid.lat).toBeLessThanOrEqual(UKRAINE_BOUNDS.maxLat);
      expect(centroid.lng).toBeGreaterThanOrEqual(UKRAINE_BOUNDS.minLng);
      expect(centroid.lng).toBeLessThanOrEqual(UKRAINE_BOUNDS.maxLng);
    }
  });

  it('tells region codes from other values', () => {
    expect(isRegionCode('UA-77')).toBe(true);
    expect(isRegionCode('UA-99')).toBe(false);
    expect(isRegionCode({ $gt: '' })).toBe(false);
    expect(regionByCode('__proto__')).toBeUndefined();
  });
});
