// Seeded random values of an Avro type; avsc's own random() draws from a generator seeded once per process.
import type { Type } from 'avsc';
import type { SeededRandom } from './seeded-random.js';

/** How an instance fills optional parts, i.e. unions with null: always null, never null, or either. */
export type NullChoice = 'always' | 'never' | 'either';

// Deeper than this, a recursive record stops growing: unions take null, arrays and maps stay empty.
const MAX_DEPTH = 6;
const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ';

interface Draw {
  random: SeededRandom;
  nulls: NullChoice;
}

export function avroValue(type: Type, random: SeededRandom, nulls: NullChoice): unknown {
  return drawValue(type, { random, nulls }, 0);
}

function drawValue(type: Type, draw: Draw, depth: number): unknown {
  const { random } = draw;
  // avsc's typings name each class, not the shape shared by all; the fields read here are the documented ones.
  const shape = type as Type & Record<string, unknown>;
  switch (type.typeName) {
    case 'null':
      return null;
    case 'boolean':
      return random.next() < 0.5;
    case 'int':
      return random.int(-2147483648, 2147483647);
    case 'long':
      return random.int(-(2 ** 40), 2 ** 40);
    case 'float':
      return Math.fround((random.next() - 0.5) * 2000);
    case 'double':
      return (random.next() - 0.5) * 2e6;
    case 'string':
      return Array.from({ length: random.int(0, 12) }, () => random.pick([...LETTERS])).join('');
    case 'bytes':
      return Buffer.from(Array.from({ length: random.int(0, 8) }, () => random.int(0, 255)));
    case 'fixed':
      return Buffer.from(Array.from({ length: shape.size as number }, () => random.int(0, 255)));
    case 'enum':
      return random.pick(shape.symbols as string[]);
    case 'array':
      return Array.from({ length: sizeAt(depth, random) }, () => drawValue(shape.itemsType as Type, draw, depth + 1));
    case 'map':
      return Object.fromEntries(
        Array.from({ length: sizeAt(depth, random) }, (_, i) => [
          `key${i}`,
          drawValue(shape.valuesType as Type, draw, depth + 1),
        ]),
      );
    case 'record':
    case 'error':
      return Object.fromEntries(
        (shape.fields as { name: string; type: Type }[]).map((field) => [
          field.name,
          drawValue(field.type, draw, depth + 1),
        ]),
      );
    case 'union:unwrapped':
    case 'union:wrapped':
      return unionValue(type, draw, depth);
    default:
      // Logical types are read as their underlying type: the kernels' decoders see the same bytes.
      if ('underlyingType' in shape) return drawValue(shape.underlyingType as Type, draw, depth);
      throw new Error(`Avro type ${type.typeName} is not supported by contracts`);
  }
}

function sizeAt(depth: number, random: SeededRandom): number {
  return depth >= MAX_DEPTH ? 0 : random.int(0, 3);
}

function unionValue(type: Type, draw: Draw, depth: number): unknown {
  const branches = (type as unknown as { types: Type[] }).types;
  const nullBranch = branches.find((branch) => branch.typeName === 'null');
  const others = branches.filter((branch) => branch !== nullBranch);
  const takeNull =
    nullBranch !== undefined &&
    (others.length === 0 ||
      depth >= MAX_DEPTH ||
      draw.nulls === 'always' ||
      (draw.nulls === 'either' && draw.random.next() < 0.5));
  if (takeNull) return null;
  const branch = draw.random.pick(others);
  const value = drawValue(branch, draw, depth + 1);
  // A wrapped union (avsc wraps the ambiguous ones) holds its value under the branch's name.
  return type.typeName === 'union:wrapped' ? { [branch.branchName!]: value } : value;
}
