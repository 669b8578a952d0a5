// kxrun ui: live updates. The server says on /events when the runs or
// the sweeps' status change; the page then fetches the part that shows
// them (rendered and escaped by the server) and swaps it in.
"use strict";
(function () {
  const parts = [document.getElementById("live-table"), document.getElementById("live")].filter(Boolean);
  let last = null;
  let busy = false;
  async function reload(el) {
    const res = await fetch(el.dataset.partial, {credentials: "same-origin"});
    if (!res.ok) return;
    const html = await res.text();
    // Keep the runs the user ticked for Compare.
    const ticked = new Set([...el.querySelectorAll("input[name=run]:checked")].map(i => i.value));
    el.innerHTML = html;
    el.querySelectorAll("input[name=run]").forEach(i => { if (ticked.has(i.value)) i.checked = true; });
  }
  function listen() {
    const es = new EventSource("/events");
    es.onmessage = async (ev) => {
      const msg = JSON.parse(ev.data);
      const changed = last !== null && (msg.gen !== last.gen || msg.status !== last.status);
      last = msg;
      document.body.dataset.gen = msg.gen;
      if (!changed || busy) return;
      busy = true;
      try { for (const el of parts) await reload(el); } finally { busy = false; }
    };
  }
  if (parts.length) listen();
  // A filter takes effect as soon as it is chosen.
  document.querySelectorAll("form.filters select, form.filters input[type=checkbox]").forEach(el => {
    el.addEventListener("change", () => el.form.submit());
  });
})();
