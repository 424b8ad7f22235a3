/**
 * Geo cells for candidate generation: Ukraine's bounding rectangle cut into a grid. Each cell
 * knows, once, the cells that may hold a point within `MATCHING_LIMITS.reachKm` of any point of
 * its own, so a search visits the cells around a place (nearest first) instead of every
 * volunteer or task. Tasks and volunteers each have a grid; both use cells of 0.5° x 0.75°
 * (about 55 km): finer cells (measured with 14 km) cost more in cells visited than they save,
 * as the best candidates' scores rarely let a search stop on distance alone.
 */
import { MATCHING_LIMITS, UKRAINE_BOUNDS } from '@spilno/contracts';

const EARTH_RADIUS_KM = 6371.0088;
const RADIANS = Math.PI / 180;
export const KM_PER_DEGREE = EARTH_RADIUS_KM * RADIANS;

function clamp(value: number, low: number, high: number): number {
  return value < low ? low : value > high ? high : value;
}

export class GeoGrid {
  readonly rows: number;
  readonly cols: number;
  readonly count: number;
  private reach: Int32Array[] | null = null;

  constructor(
    readonly cellLat: number,
    readonly cellLng: number,
  ) {
    this.rows = Math.ceil((UKRAINE_BOUNDS.maxLat - UKRAINE_BOUNDS.minLat) / cellLat);
    this.cols = Math.ceil((UKRAINE_BOUNDS.maxLng - UKRAINE_BOUNDS.minLng) / cellLng);
    this.count = this.rows * this.cols;
  }

  /** The cell of a point; points outside the rectangle go to its border cells. */
  cellOf(lat: number, lng: number): number {
    const row = clamp(Math.floor((lat - UKRAINE_BOUNDS.minLat) / this.cellLat), 0, this.rows - 1);
    const col = clamp(Math.floor((lng - UKRAINE_BOUNDS.minLng) / this.cellLng), 0, this.cols - 1);
    return row * this.cols + col;
  }

  /**
   * A lower bound of the kilometres from a point to any point of a cell, in the metric
   * distances use near that point (degrees of longitude times `lngScale`, the cosine of its
   * latitude).
   */
  kmToCell(lat: number, lng: number, lngScale: number, cell: number): number {
    const south = UKRAINE_BOUNDS.minLat + Math.floor(cell / this.cols) * this.cellLat;
    const west = UKRAINE_BOUNDS.minLng + (cell % this.cols) * this.cellLng;
    const y =
      lat < south ? south - lat : lat > south + this.cellLat ? lat - south - this.cellLat : 0;
    const x = lng < west ? west - lng : lng > west + this.cellLng ? lng - west - this.cellLng : 0;
    return Math.sqrt(x * lngScale * (x * lngScale) + y * y) * KM_PER_DEGREE;
  }

  /** The cells within reach of cell `cell` (itself included), worked out once per cell. */
  cellsInReach(cell: number): Int32Array {
    this.reach ??= new Array<Int32Array>(this.count);
    const known = this.reach[cell];
    if (known) return known;
    const row = Math.floor(cell / this.cols);
    const col = cell % this.cols;
    const narrowest = Math.cos(UKRAINE_BOUNDS.maxLat * RADIANS);
    const rowSpan = Math.ceil(MATCHING_LIMITS.reachKm / (this.cellLat * KM_PER_DEGREE)) + 1;
    const colSpan =
      Math.ceil(MATCHING_LIMITS.reachKm / (this.cellLng * KM_PER_DEGREE * narrowest)) + 1;
    const near: number[] = [];
    for (let r = Math.max(0, row - rowSpan); r <= Math.min(this.rows - 1, row + rowSpan); r++) {
      for (let c = Math.max(0, col - colSpan); c <= Math.min(this.cols - 1, col + colSpan); c++) {
        const other = r * this.cols + c;
        if (this.minDistanceKm(cell, other) <= MATCHING_LIMITS.reachKm) near.push(other);
      }
    }
    const cells = Int32Array.from(near);
    this.reach[cell] = cells;
    return cells;
  }

  /** A lower bound of the distance between any point of cell `a` and any point of cell `b`. */
  private minDistanceKm(a: number, b: number): number {
    const [rowA, colA] = [Math.floor(a / this.cols), a % this.cols];
    const [rowB, colB] = [Math.floor(b / this.cols), b % this.cols];
    const rowGap = Math.max(0, Math.abs(rowA - rowB) - 1) * this.cellLat;
    const colGap = Math.max(0, Math.abs(colA - colB) - 1) * this.cellLng;
    // The northern edge has the shortest degrees of longitude: a conservative (smaller) width.
    const north = UKRAINE_BOUNDS.minLat + (Math.max(rowA, rowB) + 1) * this.cellLat;
    const x = colGap * Math.cos(north * RADIANS);
    return Math.sqrt(x * x + rowGap * rowGap) * KM_PER_DEGREE;
  }
}

export const TASK_GRID = new GeoGrid(0.5, 0.75);
export const VOLUNTEER_GRID = new GeoGrid(0.5, 0.75);

/** The cosine of a latitude: how long a degree of longitude is there, as a share. */
export function longitudeScale(lat: number): number {
  return Math.cos(lat * RADIANS);
}
