/**
 * Great-circle distances in metres, as Ichnaea computes them (SPEC conventions): Vincenty's
 * inverse formula on the WGS-84 ellipsoid, falling back to haversine on a sphere of radius
 * 6371.009 km when Vincenty does not converge (nearly antipodal points).
 */
const A = 6378137.0;
const B = 6356752.314245;
const F = 1 / 298.257223563;
const EARTH_RADIUS = 6371009.0;
const RAD = Math.PI / 180;

export function haversineDistance(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const dLat = (lat2 - lat1) * RAD;
  const dLon = (lon2 - lon1) * RAD;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * RAD) * Math.cos(lat2 * RAD) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS * Math.asin(Math.min(1, Math.sqrt(a)));
}

/**
 * A point with its reduced latitude's sine and cosine computed once. Many distances from one
 * point (a least-squares residual vector, a distance matrix) then skip the per-call atan/tan,
 * with results identical to `distance()` bit for bit.
 */
export interface GeoPoint {
  readonly lat: number;
  readonly lon: number;
  readonly sinU: number;
  readonly cosU: number;
}

export function geoPoint(lat: number, lon: number): GeoPoint {
  const u = Math.atan((1 - F) * Math.tan(lat * RAD));
  return { lat, lon, sinU: Math.sin(u), cosU: Math.cos(u) };
}

export function pointDistance(p: GeoPoint, q: GeoPoint): number {
  if (p.lat === q.lat && p.lon === q.lon) return 0;
  const L = (q.lon - p.lon) * RAD;
  const { sinU: sinU1, cosU: cosU1 } = p;
  const { sinU: sinU2, cosU: cosU2 } = q;
  let lambda = L;
  for (let i = 0; i < 25; i++) {
    const sinLambda = Math.sin(lambda);
    const cosLambda = Math.cos(lambda);
    const sinSigma = Math.sqrt((cosU2 * sinLambda) ** 2 + (cosU1 * sinU2 - sinU1 * cosU2 * cosLambda) ** 2);
    if (sinSigma === 0) return 0;
    const cosSigma = sinU1 * sinU2 + cosU1 * cosU2 * cosLambda;
    const sigma = Math.atan2(sinSigma, cosSigma);
    const sinAlpha = (cosU1 * cosU2 * sinLambda) / sinSigma;
    const cosSqAlpha = 1 - sinAlpha * sinAlpha;
    // On the equator cos²α is 0 and the term is defined as 0.
    const cos2SigmaM = cosSqAlpha !== 0 ? cosSigma - (2 * sinU1 * sinU2) / cosSqAlpha : 0;
    const C = (F / 16) * cosSqAlpha * (4 + F * (4 - 3 * cosSqAlpha));
    const prev = lambda;
    lambda = L + (1 - C) * F * sinAlpha * (sigma + C * sinSigma * (cos2SigmaM + C * cosSigma * (-1 + 2 * cos2SigmaM ** 2)));
    if (Math.abs(lambda - prev) < 1e-11) {
      const uSq = (cosSqAlpha * (A * A - B * B)) / (B * B);
      const bigA = 1 + (uSq / 16384) * (4096 + uSq * (-768 + uSq * (320 - 175 * uSq)));
      const bigB = (uSq / 1024) * (256 + uSq * (-128 + uSq * (74 - 47 * uSq)));
      const deltaSigma = bigB * sinSigma * (cos2SigmaM + (bigB / 4) * (cosSigma * (-1 + 2 * cos2SigmaM ** 2)
        - (bigB / 6) * cos2SigmaM * (-3 + 4 * sinSigma ** 2) * (-3 + 4 * cos2SigmaM ** 2)));
      return B * bigA * (sigma - deltaSigma);
    }
  }
  return haversineDistance(p.lat, p.lon, q.lat, q.lon);
}

export function distance(lat1: number, lon1: number, lat2: number, lon2: number): number {
  if (lat1 === lat2 && lon1 === lon2) return 0;
  return pointDistance(geoPoint(lat1, lon1), geoPoint(lat2, lon2));
}
