// The coverage map: Leaflet with the bundled country borders (or the configured raster base map)
// and, on top, the datamap cells of /map/data/{z}/{x}/{y}.json drawn on one canvas per tile.
"use strict";
(() => {
  const el = document.getElementById("map");
  if (!el || !window.L) return;
  const L = window.L;
  const map = L.map(el, { worldCopyJump: true, minZoom: 1, maxZoom: 13 });
  // The view is in the address, /map#zoom/lat/lon (e.g. #12/52.52/13.405), so a view can be linked.
  const viewOf = (hash) => {
    const m = /^#(\d{1,2})\/(-?\d{1,2}(?:\.\d+)?)\/(-?\d{1,3}(?:\.\d+)?)$/.exec(hash);
    return m ? { zoom: Math.min(13, Math.max(1, Number(m[1]))), centre: [Number(m[2]), Number(m[3])] } : null;
  };
  const start = viewOf(location.hash) ?? { zoom: 2, centre: [30, 10] };
  map.setView(start.centre, start.zoom);
  map.on("moveend", () => {
    const zoom = map.getZoom();
    const c = map.getCenter().wrap();
    const digits = Math.max(0, Math.ceil(Math.log(zoom) / Math.LN2));
    history.replaceState(null, "", `#${zoom}/${c.lat.toFixed(digits)}/${c.lng.toFixed(digits)}`);
  });
  window.addEventListener("hashchange", () => {
    const view = viewOf(location.hash);
    if (view) map.setView(view.centre, view.zoom);
  });
  const base = el.dataset.base;
  if (base) {
    L.tileLayer(base, { maxZoom: 19, attribution: "Base map: configured tile server" }).addTo(map);
  } else {
    fetch(el.dataset.borders)
      .then((r) => r.json())
      .then((borders) => {
        // Outlines only: the shapes are the regions Ichnos codes positions to, coastal waters
        // included and highly generalised over sea (country-coder's), not land. Filled, an
        // island group's waters would pass for a triangle of land.
        L.geoJSON(borders, { interactive: false, style: { color: "#8b95a3", weight: 0.8, opacity: 0.9, fill: false } }).addTo(map);
        el.dataset.bordersDrawn = String(borders.features.length);
      });
  }
  // Above the borders (overlay pane, z-index 400) and below popups.
  map.createPane("coverage").style.zIndex = "450";
  const tilesUrl = el.dataset.tiles;
  let drawn = 0;
  const Coverage = L.GridLayer.extend({
    createTile(coords, done) {
      const tile = document.createElement("canvas");
      const size = this.getTileSize();
      tile.width = size.x;
      tile.height = size.y;
      const url = tilesUrl.replace("{z}", coords.z).replace("{x}", coords.x).replace("{y}", coords.y);
      fetch(url)
        .then((r) => (r.ok ? r.json() : { step: 1, cells: [] }))
        .then((data) => {
          const ctx = tile.getContext("2d");
          ctx.fillStyle = "rgba(11, 110, 79, 0.75)";
          const origin = coords.scaleBy(size);
          for (let i = 0; i + 1 < data.cells.length; i += 2) {
            const south = (data.cells[i] * data.step) / 1000;
            const west = (data.cells[i + 1] * data.step) / 1000;
            const a = map.project([south + data.step / 1000, west], coords.z).subtract(origin);
            const b = map.project([south, west + data.step / 1000], coords.z).subtract(origin);
            ctx.fillRect(a.x, a.y, Math.max(1, b.x - a.x), Math.max(1, b.y - a.y));
          }
          drawn += data.cells.length / 2;
          el.dataset.cellsDrawn = String(drawn);
          done(null, tile);
        })
        .catch((err) => done(err, tile));
      return tile;
    },
  });
  new Coverage({ pane: "coverage", maxNativeZoom: 13, attribution: "Coverage: Ichnos contributors" }).addTo(map);
  window.ichnosMap = map;
})();
