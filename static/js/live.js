// The live view: a WebSocket to /live/feed; each frame holds the reports of the last quarter second
// (a coarse cell, counts and a client name each) and how many more were left out.
"use strict";
(() => {
  const mapEl = document.getElementById("live-map");
  const list = document.getElementById("live-list");
  const status = document.getElementById("live-status");
  const rateEl = document.getElementById("live-rate");
  if (!mapEl || !list) return;
  const L = window.L;
  const map = L ? L.map(mapEl, { worldCopyJump: true }).setView([30, 10], 2) : null;
  if (map) {
    fetch(mapEl.dataset.borders)
      .then((r) => r.json())
      // Outlines only, as on /map: the shapes are generalised regions with their coastal waters, not land.
      .then((b) => L.geoJSON(b, { interactive: false, style: { color: "#8b95a3", weight: 0.8, opacity: 0.9, fill: false } }).addTo(map));
  }
  let received = 0;
  let arrivals = [];
  const markers = [];
  const show = (m) => {
    const item = document.createElement("li");
    item.dataset.id = m.id;
    const when = new Date(m.received).toISOString().slice(11, 19);
    const where = m.cell ? `${m.cell[0].toFixed(3)}, ${m.cell[1].toFixed(3)}` : "no position";
    item.textContent = `${when} UTC · ${where} · ${m.wifi} Wi-Fi, ${m.cells} ${m.cells === 1 ? "cell" : "cells"}, ${m.blue} Bluetooth · ${m.client || "unknown app"}`;
    list.prepend(item);
    while (list.children.length > 100) list.lastElementChild.remove();
    if (map && m.cell) {
      markers.push(L.circleMarker([m.cell[0] + 0.0005, m.cell[1] + 0.0005], { radius: 6, color: "#0b6e4f", weight: 1, fillOpacity: 0.7 }).addTo(map));
      // The newest 500 stay on the map: a busy feed must not grow the page without bound.
      while (markers.length > 500) markers.shift().remove();
    }
  };
  // Reports per minute: [time, count] per frame over the last 60 s, omitted reports included.
  const onFrame = (frame) => {
    const count = frame.reports.length + frame.omitted;
    received += count;
    mapEl.dataset.received = String(received);
    arrivals.push([Date.now(), count]);
    for (const m of frame.reports) show(m);
  };
  setInterval(() => {
    const since = Date.now() - 60_000;
    arrivals = arrivals.filter(([t]) => t >= since);
    rateEl.textContent = String(arrivals.reduce((sum, [, c]) => sum + c, 0));
  }, 1000);
  const connect = (wait) => {
    const url = new URL(mapEl.dataset.feed, location.href);
    url.protocol = location.protocol === "https:" ? "wss:" : "ws:";
    const ws = new WebSocket(url);
    ws.onopen = () => {
      status.textContent = "connected";
      mapEl.dataset.connected = "true";
      wait = 1000;
    };
    ws.onmessage = (e) => onFrame(JSON.parse(e.data));
    ws.onclose = () => {
      status.textContent = "reconnecting…";
      delete mapEl.dataset.connected;
      setTimeout(() => connect(Math.min(wait * 2, 30_000)), wait);
    };
  };
  connect(1000);
})();
