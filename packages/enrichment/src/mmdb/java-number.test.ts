import { describe, expect, it } from 'vitest';
import { floatCoordinateText, javaDoubleText } from './java-number.js';

describe('javaDoubleText (Java Double.toString)', () => {
  it('writes the decimals Metron writes for coordinates', () => {
    // values and texts from Metron's GeoLiteCityDatabaseTest
    expect(javaDoubleText(47.2513)).toBe('47.2513');
    expect(javaDoubleText(-122.3149)).toBe('-122.3149');
    expect(javaDoubleText(-0.0931)).toBe('-0.0931');
    expect(javaDoubleText(0.1277)).toBe('0.1277');
  });
  it('keeps Java layout for whole numbers, zero and the scientific ranges', () => {
    expect(javaDoubleText(51)).toBe('51.0');
    expect(javaDoubleText(-180)).toBe('-180.0');
    expect(javaDoubleText(0)).toBe('0.0');
    expect(javaDoubleText(-0)).toBe('-0.0');
    expect(javaDoubleText(0.001)).toBe('0.001');
    expect(javaDoubleText(0.0001)).toBe('1.0E-4');
    expect(javaDoubleText(-0.000123)).toBe('-1.23E-4');
    expect(javaDoubleText(9_999_999)).toBe('9999999.0');
    expect(javaDoubleText(1e7)).toBe('1.0E7');
    expect(javaDoubleText(12_345_678.9)).toBe('1.23456789E7');
    expect(javaDoubleText(Number.NaN)).toBe('NaN');
    expect(javaDoubleText(-Infinity)).toBe('-Infinity');
  });
});

describe('floatCoordinateText', () => {
  it('gives the shortest digits of a 32-bit float', () => {
    expect(floatCoordinateText(Math.fround(37.422))).toBe('37.422');
    expect(Math.fround(37.422)).toBe(37.422000885009766);
    expect(floatCoordinateText(Math.fround(-0.0912244))).toBe('-0.0912244');
    expect(floatCoordinateText(Math.fround(151.209))).toBe('151.209');
    expect(floatCoordinateText(Math.fround(51))).toBe('51.0');
    expect(floatCoordinateText(Math.fround(0.0001))).toBe('1.0E-4');
    expect(floatCoordinateText(0)).toBe('0.0');
  });
  it('leaves values that are not floats to the double rules', () => {
    expect(floatCoordinateText(37.751)).toBe('37.751');
    expect(floatCoordinateText(37.422000885009766 + 1e-12)).toBe(javaDoubleText(37.422000885009766 + 1e-12));
  });
});
