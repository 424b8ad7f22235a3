import { Decimal128, Double, Long, MaxKey, MinKey, ObjectId } from 'bson';
import { bsonTypeOf, Document } from '../bson/values';
import { MongoError } from '../errors';
import { applyPipelineUpdate, runPipeline, splitLeadingStages, validatePipeline } from './pipeline';
import { deepFreeze, makeCtx } from './test-helpers';

function run(
  input: Document[],
  pipeline: Document[],
  collections: Record<string, Document[]> = {},
) {
  deepFreeze(input);
  deepFreeze(pipeline);
  return runPipeline(input, pipeline, makeCtx(collections)).docs;
}

function code(fn: () => unknown): number | undefined {
  try {
    fn();
  } catch (e) {
    return e instanceof MongoError ? e.code : -1;
  }
  return undefined;
}

const people = (): Document[] => [
  { _id: 1, name: 'ann', age: 30, city: 'kyiv', tags: ['a', 'b'], addr: { zip: '01' } },
  { _id: 2, name: 'bob', age: 25, city: 'lviv', tags: [], addr: { zip: '02' } },
  { _id: 3, name: 'cid', age: 35, city: 'kyiv', tags: null },
  { _id: 4, name: 'dan', age: Long.fromNumber(40), city: 'odesa' },
];

describe('validatePipeline', () => {
  it('checks shape, names and positions', () => {
    expect(code(() => validatePipeline({}))).toBe(14);
    expect(code(() => validatePipeline([{ $match: {}, $sort: { a: 1 } }]))).toBe(40323);
    expect(code(() => validatePipeline([{ $foo: 1 }]))).toBe(40324);
    expect(code(() => validatePipeline([{ $out: 'x' }, { $match: {} }]))).toBe(40601);
    expect(code(() => validatePipeline([{ $match: {} }, { $documents: [] }]))).toBe(40602);
    expect(code(() => validatePipeline([{ $search: {} }]))).toBe(238);
    expect(validatePipeline([{ $geoNear: {} }, { $limit: 1 }])).toHaveLength(2);
    expect(code(() => run([], [{ $geoNear: {} }]))).toBe(238);
  });

  it('splitLeadingStages', () => {
    const p = [{ $geoNear: {} }, { $limit: 1 }];
    expect(splitLeadingStages(p, ['$geoNear'])).toEqual({ leading: [p[0]], rest: [p[1]] });
  });
});

describe('$match / $sort / $skip / $limit', () => {
  it('matches BSON numeric types exactly and supports $expr', () => {
    const docs = [{ v: Long.fromNumber(5) }, { v: Decimal128.fromString('12.345') }, { v: 3 }];
    expect(run(docs, [{ $match: { v: 5 } }])).toEqual([docs[0]]);
    expect(run(docs, [{ $match: { v: { $gt: 9 } } }])).toEqual([docs[1]]);
    expect(run(docs, [{ $match: { $expr: { $lt: ['$v', 4] } } }])).toEqual([docs[2]]);
  });

  it('sorts in MongoDB type order, arrays by min/max element', () => {
    const docs: Document[] = [
      { _id: 1, v: 'a' },
      { _id: 2, v: 5 },
      { _id: 3 },
      { _id: 4, v: null },
      { _id: 5, v: new ObjectId('000000000000000000000000') },
      { _id: 6, v: true },
      { _id: 7, v: new Date(0) },
      { _id: 8, v: { x: 1 } },
      { _id: 9, v: new MaxKey() },
      { _id: 10, v: new MinKey() },
      { _id: 11, v: Long.fromNumber(4) },
      { _id: 12, v: new Double(4.5) },
    ];
    const ids = run(docs, [{ $sort: { v: 1, _id: 1 } }]).map((d) => d._id);
    expect(ids).toEqual([10, 3, 4, 11, 12, 2, 1, 8, 5, 6, 7, 9]);
    const arr = [
      { _id: 1, a: [1, 10] },
      { _id: 2, a: [5] },
      { _id: 3, a: 7 },
    ];
    expect(run(arr, [{ $sort: { a: 1 } }]).map((d) => d._id)).toEqual([1, 2, 3]);
    expect(run(arr, [{ $sort: { a: -1 } }]).map((d) => d._id)).toEqual([1, 3, 2]);
  });

  it('skip and limit', () => {
    const ids = run(people(), [{ $sort: { age: -1 } }, { $skip: 1 }, { $limit: 2 }]).map(
      (d) => d._id,
    );
    expect(ids).toEqual([3, 1]);
    expect(code(() => run([], [{ $limit: 0 }]))).toBe(15958);
    expect(code(() => run([], [{ $skip: -1 }]))).toBe(15956);
  });
});

describe('$group', () => {
  it("mongoose countDocuments' pipeline", () => {
    const docs = Array.from({ length: 1000 }, (_, i) => ({ _id: i, even: i % 2 === 0 }));
    const out = run(docs, [{ $match: { even: true } }, { $group: { _id: 1, n: { $sum: 1 } } }]);
    expect(out).toEqual([{ _id: 1, n: 500 }]);
    expect(run([], [{ $match: {} }, { $group: { _id: 1, n: { $sum: 1 } } }])).toEqual([]);
  });

  it('groups numerically-equal keys together and computes accumulators', () => {
    const docs = [
      { k: 1, v: Long.fromNumber(2), s: 'x' },
      { k: new Double(1), v: Long.fromNumber(3), s: 'y' },
      { k: Long.fromNumber(2), v: 1.5, s: 'y' },
      { v: 4 },
    ];
    const out = run(docs, [
      {
        $group: {
          _id: '$k',
          sum: { $sum: '$v' },
          avg: { $avg: '$v' },
          min: { $min: '$v' },
          max: { $max: '$s' },
          first: { $first: '$s' },
          last: { $last: '$s' },
          push: { $push: '$s' },
          set: { $addToSet: '$s' },
          count: { $count: {} },
        },
      },
      { $sort: { _id: 1 } },
    ]);
    expect(out[0]).toMatchObject({ _id: null, count: 1, first: null, push: [] });
    expect(out[1]._id).toBe(1);
    expect(bsonTypeOf(out[1].sum)).toBe('long');
    expect(String(out[1].sum)).toBe('5');
    expect(out[1]).toMatchObject({
      avg: 2.5,
      max: 'y',
      first: 'x',
      last: 'y',
      push: ['x', 'y'],
      count: 2,
    });
    expect(out[1].set).toEqual(['x', 'y']);
    expect(String(out[1].min)).toBe('2');
    expect(out[2]).toMatchObject({ sum: 1.5, push: ['y'] });
  });

  it('decimal sums stay decimal; top/bottom N; mergeObjects; stdDev', () => {
    const docs = [
      { g: 'a', d: Decimal128.fromString('0.1'), o: { x: 1 }, n: 2 },
      { g: 'a', d: Decimal128.fromString('0.2'), o: { y: 2 }, n: 4 },
    ];
    const [g] = run(docs, [
      {
        $group: {
          _id: '$g',
          d: { $sum: '$d' },
          o: { $mergeObjects: '$o' },
          top: { $topN: { n: 1, sortBy: { n: -1 }, output: '$n' } },
          bottom: { $bottom: { sortBy: { n: -1 }, output: '$n' } },
          firstN: { $firstN: { input: '$n', n: 5 } },
          maxN: { $maxN: { input: '$n', n: 1 } },
          sd: { $stdDevPop: '$n' },
        },
      },
    ]);
    expect(String(g.d)).toBe('0.3');
    expect(g).toMatchObject({ o: { x: 1, y: 2 }, top: [4], bottom: 2, firstN: [2, 4], maxN: [4] });
    expect((g.sd as Double).value).toBe(1);
  });

  it('rejects bad specs', () => {
    expect(code(() => run([{}], [{ $group: { n: { $sum: 1 } } }]))).toBe(15955);
    expect(code(() => run([{}], [{ $group: { _id: 1, n: 1 } }]))).toBe(40234);
    expect(code(() => run([{}], [{ $group: { _id: 1, n: { $bogus: 1 } } }]))).toBe(15952);
  });
});

describe('$project / $addFields / $set / $unset', () => {
  it('inclusion keeps document order and appends computed fields', () => {
    const out = run(people().slice(0, 1), [
      { $project: { computed: { $toUpper: '$name' }, city: 1, name: 1, 'addr.zip': 1 } },
    ]);
    expect(Object.keys(out[0])).toEqual(['_id', 'name', 'city', 'addr', 'computed']);
    expect(out[0]).toEqual({
      _id: 1,
      name: 'ann',
      city: 'kyiv',
      addr: { zip: '01' },
      computed: 'ANN',
    });
    expect(run(people().slice(0, 1), [{ $project: { _id: 0, name: 1 } }])).toEqual([
      { name: 'ann' },
    ]);
    expect(run([{ a: 1 }], [{ $project: { x: '$a', y: 'lit', z: { $literal: 1 } } }])).toEqual([
      { x: 1, y: 'lit', z: 1 },
    ]);
  });

  it('projects through arrays of documents', () => {
    const docs = [{ _id: 1, a: [{ b: 1, c: 2 }, 5, { c: 3 }] }];
    expect(run(docs, [{ $project: { 'a.b': 1 } }])).toEqual([{ _id: 1, a: [{ b: 1 }, {}] }]);
    expect(run(docs, [{ $project: { 'a.b': 0 } }])).toEqual([
      { _id: 1, a: [{ c: 2 }, 5, { c: 3 }] },
    ]);
  });

  it('exclusion and errors', () => {
    expect(run(people().slice(0, 1), [{ $project: { tags: 0, addr: 0, _id: 0 } }])).toEqual([
      { name: 'ann', age: 30, city: 'kyiv' },
    ]);
    expect(code(() => run([{}], [{ $project: { a: 1, b: 0 } }]))).toBe(31254);
    expect(code(() => run([{}], [{ $project: {} }]))).toBe(51272);
  });

  it('$addFields merges into sub-documents, $$REMOVE removes', () => {
    const docs = [{ _id: 1, a: { b: 1 }, c: 2, arr: [{ x: 1 }, { x: 2 }] }];
    const out = run(docs, [
      { $addFields: { 'a.n': { $add: ['$c', 1] }, c: '$$REMOVE', d: { e: 5 }, 'arr.y': 0 } },
      { $set: { a: { m: '$a.b' } } },
    ]);
    expect(out).toEqual([
      {
        _id: 1,
        a: { b: 1, n: 3, m: 1 },
        arr: [
          { x: 1, y: 0 },
          { x: 2, y: 0 },
        ],
        d: { e: 5 },
      },
    ]);
  });

  it('$unset', () => {
    expect(run(people().slice(0, 1), [{ $unset: ['tags', 'addr.zip', 'age'] }])).toEqual([
      { _id: 1, name: 'ann', city: 'kyiv', addr: {} },
    ]);
    expect(run([{ a: 1, b: 2 }], [{ $unset: 'a' }])).toEqual([{ b: 2 }]);
  });

  it('$toString:"$_id" in a projection', () => {
    const oid = new ObjectId();
    expect(run([{ _id: oid }], [{ $project: { _id: 0, id: { $toString: '$_id' } } }])).toEqual([
      { id: oid.toHexString() },
    ]);
  });
});

describe('$unwind', () => {
  it('string form drops null/empty/missing', () => {
    const out = run(people(), [{ $unwind: '$tags' }]);
    expect(out.map((d) => [d._id, d.tags])).toEqual([
      [1, 'a'],
      [1, 'b'],
    ]);
  });

  it('preserveNullAndEmptyArrays and includeArrayIndex', () => {
    const out = run(people(), [
      { $unwind: { path: '$tags', preserveNullAndEmptyArrays: true, includeArrayIndex: 'i' } },
    ]);
    expect(out.map((d) => [d._id, d.tags, d.i === null ? null : String(d.i)])).toEqual([
      [1, 'a', '0'],
      [1, 'b', '1'],
      [2, undefined, null],
      [3, null, null],
      [4, undefined, null],
    ]);
    expect(bsonTypeOf(out[0].i)).toBe('long');
    expect('tags' in out[1]).toBe(true);
  });

  it('scalars pass through; nested paths', () => {
    expect(run([{ a: 5 }], [{ $unwind: '$a' }])).toEqual([{ a: 5 }]);
    expect(run([{ a: { b: [1, 2] } }], [{ $unwind: '$a.b' }])).toEqual([
      { a: { b: 1 } },
      { a: { b: 2 } },
    ]);
    expect(code(() => run([], [{ $unwind: 'a' }]))).toBe(28818);
  });
});

describe('$lookup', () => {
  const orders = (): Document[] => [
    { _id: 10, person: 1, item: 'x', qty: 2 },
    { _id: 11, person: 1, item: 'y', qty: 5 },
    { _id: 12, person: Long.fromNumber(2), item: 'z', qty: 1 },
    { _id: 13, item: 'none' },
    { _id: 14, person: [3, 4], item: 'multi' },
  ];

  it('localField/foreignField with numeric equality, arrays and missing', () => {
    const out = run(
      [{ _id: 1 }, { _id: 2 }, { _id: 3 }, { _id: 5, ref: [1, 2] }],
      [{ $lookup: { from: 'orders', localField: '_id', foreignField: 'person', as: 'o' } }],
      { orders: orders() },
    );
    expect(out.map((d) => (d.o as Document[]).map((o) => o._id))).toEqual([
      [10, 11],
      [12],
      [14],
      [],
    ]);
    const arr = run(
      [{ ref: [1, 2] }, {}],
      [{ $lookup: { from: 'orders', localField: 'ref', foreignField: 'person', as: 'o.list' } }],
      { orders: orders() },
    );
    expect((arr[0].o as Document).list).toHaveLength(3);
    // A missing local field matches foreign documents whose field is null or missing.
    expect(((arr[1].o as Document).list as Document[]).map((o) => o._id)).toEqual([13]);
  });

  it('pipeline with let, and combined with equality', () => {
    const out = run(
      [{ _id: 1, min: 3 }],
      [
        {
          $lookup: {
            from: 'orders',
            let: { pid: '$_id', min: '$min' },
            pipeline: [
              {
                $match: {
                  $expr: { $and: [{ $eq: ['$person', '$$pid'] }, { $gte: ['$qty', '$$min'] }] },
                },
              },
              { $project: { _id: 1 } },
            ],
            as: 'big',
          },
        },
        {
          $lookup: {
            from: 'orders',
            localField: '_id',
            foreignField: 'person',
            let: { min: '$min' },
            pipeline: [{ $match: { $expr: { $lt: ['$qty', '$$min'] } } }],
            as: 'small',
          },
        },
      ],
      { orders: orders() },
    );
    expect(out[0].big).toEqual([{ _id: 11 }]);
    expect((out[0].small as Document[]).map((o) => o._id)).toEqual([10]);
  });
});

describe('$facet, $count, $sortByCount, $bucket', () => {
  it('$facet runs sub-pipelines over the same input', () => {
    const [f] = run(people(), [
      {
        $facet: {
          total: [{ $count: 'n' }],
          kyiv: [{ $match: { city: 'kyiv' } }, { $project: { _id: 1 } }],
        },
      },
    ]);
    expect(f).toEqual({ total: [{ n: 4 }], kyiv: [{ _id: 1 }, { _id: 3 }] });
    expect(run([], [{ $facet: { total: [{ $count: 'n' }] } }])).toEqual([{ total: [] }]);
    expect(code(() => run([], [{ $facet: { x: [{ $out: 'y' }] } }]))).toBe(40600);
  });

  it('$count of nothing gives no document', () => {
    expect(run([], [{ $count: 'n' }])).toEqual([]);
    expect(run(people(), [{ $count: 'n' }])).toEqual([{ n: 4 }]);
    expect(code(() => run([], [{ $count: '$n' }]))).toBe(40158);
  });

  it('$sortByCount', () => {
    expect(run(people(), [{ $sortByCount: '$city' }])[0]).toEqual({ _id: 'kyiv', count: 2 });
  });

  it('$bucket with default and output', () => {
    const out = run(people(), [
      {
        $bucket: {
          groupBy: '$age',
          boundaries: [20, 30, 40],
          default: 'other',
          output: { n: { $sum: 1 }, names: { $push: '$name' } },
        },
      },
    ]);
    expect(out).toEqual([
      { _id: 20, n: 1, names: ['bob'] },
      { _id: 30, n: 2, names: ['ann', 'cid'] },
      { _id: 'other', n: 1, names: ['dan'] },
    ]);
    expect(
      code(() => run(people(), [{ $bucket: { groupBy: '$age', boundaries: [20, 30] } }])),
    ).toBe(40066);
  });
});

describe('$replaceRoot, $replaceWith, $sample, $unionWith, $documents', () => {
  it('$replaceRoot / $replaceWith', () => {
    expect(run(people().slice(0, 2), [{ $replaceRoot: { newRoot: '$addr' } }])).toEqual([
      { zip: '01' },
      { zip: '02' },
    ]);
    expect(run([{ a: 1 }], [{ $replaceWith: { x: '$a' } }])).toEqual([{ x: 1 }]);
    expect(code(() => run([{ a: 1 }], [{ $replaceWith: '$a' }]))).toBe(40228);
  });

  it('$sample returns distinct input documents', () => {
    const docs = people();
    const out = run(docs, [{ $sample: { size: 3 } }]);
    expect(out).toHaveLength(3);
    expect(new Set(out.map((d) => d._id)).size).toBe(3);
    expect(run(docs, [{ $sample: { size: 10 } }])).toHaveLength(4);
  });

  it('$unionWith with and without a pipeline', () => {
    const other = [
      { _id: 'o1', v: 1 },
      { _id: 'o2', v: 2 },
    ];
    expect(run([{ _id: 1 }], [{ $unionWith: 'other' }], { other }).map((d) => d._id)).toEqual([
      1,
      'o1',
      'o2',
    ]);
    const out = run(
      [{ _id: 1 }],
      [{ $unionWith: { coll: 'other', pipeline: [{ $match: { v: 2 } }] } }],
      {
        other,
      },
    );
    expect(out.map((d) => d._id)).toEqual([1, 'o2']);
  });

  it('$documents for database-level aggregate', () => {
    const out = run(
      [],
      [{ $documents: [{ a: 1 }, { a: { $add: [1, 1] } }] }, { $match: { a: 2 } }],
    );
    expect(out).toEqual([{ a: 2 }]);
    expect(code(() => run([], [{ $documents: 5 }]))).toBe(5858203);
  });
});

describe('$graphLookup', () => {
  it('walks the graph with depth and maxDepth', () => {
    const emps = [
      { _id: 1, name: 'ceo' },
      { _id: 2, name: 'vp', boss: 'ceo' },
      { _id: 3, name: 'mgr', boss: 'vp' },
      { _id: 4, name: 'dev', boss: 'mgr' },
    ];
    const out = run(
      [{ _id: 4, name: 'dev', boss: 'mgr' }],
      [
        {
          $graphLookup: {
            from: 'emps',
            startWith: '$boss',
            connectFromField: 'boss',
            connectToField: 'name',
            as: 'chain',
            depthField: 'depth',
            maxDepth: 1,
          },
        },
      ],
      { emps },
    );
    const chain = (out[0].chain as Document[]).map((d) => [d.name, Number(d.depth)]);
    expect(chain).toEqual([
      ['mgr', 0],
      ['vp', 1],
    ]);
    expect(bsonTypeOf((out[0].chain as Document[])[0].depth)).toBe('long');
    const all = run(
      [{ boss: 'mgr' }],
      [
        {
          $graphLookup: {
            from: 'emps',
            startWith: '$boss',
            connectFromField: 'boss',
            connectToField: 'name',
            as: 'chain',
            restrictSearchWithMatch: { name: { $ne: 'ceo' } },
          },
        },
      ],
      { emps },
    );
    expect((all[0].chain as Document[]).map((d) => d.name).sort()).toEqual(['mgr', 'vp']);
  });
});

describe('$setWindowFields', () => {
  it('computes window outputs and keeps other fields BSON-typed', () => {
    const docs = [
      { _id: 1, g: 'a', v: 1, l: Long.fromNumber(7) },
      { _id: 2, g: 'a', v: 2, l: Long.fromNumber(8) },
      { _id: 3, g: 'b', v: 5, l: Long.fromNumber(9) },
    ];
    const out = run(docs, [
      {
        $setWindowFields: {
          partitionBy: '$g',
          sortBy: { v: 1 },
          output: {
            run: { $sum: '$v', window: { documents: ['unbounded', 'current'] } },
            rank: { $rank: {} },
          },
        },
      },
      { $sort: { _id: 1 } },
    ]);
    expect(out.map((d) => [d._id, d.run, d.rank])).toEqual([
      [1, 1, 1],
      [2, 3, 2],
      [3, 5, 1],
    ]);
    expect(bsonTypeOf(out[0].l)).toBe('long');
  });
});

describe('$out / $merge', () => {
  it('returns the documents and the normalised spec instead of writing', () => {
    const res = runPipeline(
      deepFreeze(people()),
      [{ $match: { city: 'kyiv' } }, { $out: 'kyivans' }],
      makeCtx(),
    );
    expect(res.docs).toEqual([]);
    expect(res.output?.stage).toBe('$out');
    expect(res.output?.spec).toEqual({ db: 'test', coll: 'kyivans' });
    expect(res.output?.docs.map((d) => d._id)).toEqual([1, 3]);
    const m = runPipeline(
      [{ _id: 1 }],
      [{ $merge: { into: 'x', whenMatched: 'replace' } }],
      makeCtx(),
    );
    expect(m.output?.spec).toEqual({ into: { db: 'test', coll: 'x' }, whenMatched: 'replace' });
    expect(
      code(() => run([], [{ $lookup: { from: 'x', pipeline: [{ $out: 'y' }], as: 'z' } }])),
    ).toBe(51047);
  });
});

describe('applyPipelineUpdate', () => {
  it('applies $set/$unset/$replaceWith with $$NOW', () => {
    const doc = deepFreeze({ _id: 1, a: 1, b: { c: 2 }, tmp: true });
    const out = applyPipelineUpdate(
      doc,
      [{ $set: { a: { $add: ['$a', 1] }, at: '$$NOW' } }, { $unset: 'tmp' }],
      makeCtx(),
    );
    expect(out).toEqual({ _id: 1, a: 2, b: { c: 2 }, at: new Date('2024-01-02T03:04:05.000Z') });
    expect(applyPipelineUpdate(doc, [{ $replaceWith: { _id: '$_id', x: '$b.c' } }])).toEqual({
      _id: 1,
      x: 2,
    });
    expect(applyPipelineUpdate(doc, [{ $project: { a: 1 } }])).toEqual({ _id: 1, a: 1 });
  });

  it('rejects other stages', () => {
    expect(code(() => applyPipelineUpdate({}, [{ $match: {} }]))).toBe(72);
    expect(code(() => applyPipelineUpdate({}, [{ $group: { _id: 1 } }]))).toBe(72);
  });
});

describe('immutability', () => {
  it('never mutates frozen inputs or foreign collections across a long pipeline', () => {
    const orders = [
      { _id: 10, person: 1, items: [{ sku: 'a', n: 1 }] },
      { _id: 11, person: 2, items: [{ sku: 'b', n: 2 }] },
    ];
    const input = people();
    const snapshot = JSON.stringify(input);
    const out = run(
      input,
      [
        { $lookup: { from: 'orders', localField: '_id', foreignField: 'person', as: 'orders' } },
        { $unwind: { path: '$orders', preserveNullAndEmptyArrays: true } },
        { $addFields: { 'orders.items.flag': true, 'addr.zip': 'z', 'addr.extra': 1 } },
        { $set: { orders: { extra: 1 } } },
        { $unset: ['tags'] },
        { $project: { tags: 0 } },
        { $sort: { age: 1 } },
        {
          $facet: {
            a: [{ $match: {} }],
            b: [{ $group: { _id: '$city', all: { $push: '$$ROOT' } } }],
          },
        },
      ],
      { orders },
    );
    expect(out).toHaveLength(1);
    expect(JSON.stringify(input)).toBe(snapshot);
    expect(orders[0].items[0]).toEqual({ sku: 'a', n: 1 });
  });
});

describe('stages delegated to mingo', () => {
  it('$bucketAuto, $densify, $fill and $redact run on converted values', () => {
    const docs = [{ v: 1 }, { v: Long.fromNumber(2) }, { v: new Double(3) }, { v: 4 }];
    const auto = run(docs, [{ $bucketAuto: { groupBy: '$v', buckets: 2 } }]);
    expect(auto.map((b) => b.count)).toEqual([2, 2]);
    const dense = run(
      [{ t: 1 }, { t: 4 }],
      [{ $densify: { field: 't', range: { step: 1, bounds: 'full' } } }],
    );
    expect(dense.map((d) => d.t)).toEqual([1, 2, 3, 4]);
    const filled = run(
      [{ i: 1, x: 5 }, { i: 2 }],
      [{ $fill: { sortBy: { i: 1 }, output: { x: { method: 'locf' } } } }],
    );
    expect(filled.map((d) => d.x)).toEqual([5, 5]);
    const red = run(
      [{ level: 1, sub: { level: 5 } }],
      [{ $redact: { $cond: [{ $lte: ['$level', 3] }, '$$DESCEND', '$$PRUNE'] } }],
    );
    expect(red).toEqual([{ level: 1 }]);
  });
});

describe('more projection and numeric edge cases', () => {
  it('{_id: 1} alone is an inclusion; {_id: 1, a: 0} is an exclusion', () => {
    expect(run([{ _id: 1, a: 1, b: 2 }], [{ $project: { _id: 1 } }])).toEqual([{ _id: 1 }]);
    expect(run([{ _id: 1, a: 1, b: 2 }], [{ $project: { _id: 1, a: 0 } }])).toEqual([
      { _id: 1, b: 2 },
    ]);
    expect(run([{ _id: 1, a: 1 }], [{ $project: { _id: 0 } }])).toEqual([{ a: 1 }]);
  });

  it('$sum widens int -> long -> double on overflow', () => {
    const ints = [{ v: 2147483647 }, { v: 1 }];
    const [a] = run(ints, [{ $group: { _id: null, s: { $sum: '$v' } } }]);
    expect(bsonTypeOf(a.s)).toBe('long');
    expect(String(a.s)).toBe('2147483648');
    const longs = [{ v: Long.MAX_VALUE }, { v: Long.fromNumber(1) }];
    const [b] = run(longs, [{ $group: { _id: null, s: { $sum: '$v' } } }]);
    expect(bsonTypeOf(b.s)).toBe('double');
    const exact = [{ v: Long.fromString('9007199254740993') }, { v: Long.fromNumber(1) }];
    const [c] = run(exact, [{ $group: { _id: null, s: { $sum: '$v' } } }]);
    expect(String(c.s)).toBe('9007199254740994');
  });

  it('$lookup from {db, coll} and $match on ObjectId', () => {
    const oid = new ObjectId();
    const out = run(
      [{ _id: oid }],
      [
        {
          $lookup: {
            from: { db: 'test', coll: 'c' },
            localField: '_id',
            foreignField: 'ref',
            as: 'c',
          },
        },
        { $match: { _id: new ObjectId(oid.toHexString()) } },
      ],
      { c: [{ _id: 1, ref: new ObjectId(oid.toHexString()) }] },
    );
    expect((out[0].c as Document[]).map((d) => d._id)).toEqual([1]);
  });

  it('accepts any iterable input', () => {
    function* gen() {
      yield { a: 1 };
      yield { a: 2 };
    }
    expect(runPipeline(gen(), [{ $match: { a: 2 } }], makeCtx()).docs).toEqual([{ a: 2 }]);
  });
});
