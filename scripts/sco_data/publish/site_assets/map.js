// The map page: the slider names a day; the map (Vega-Lite, its `day` parameter) shows the era
// holding it, and the page says how many members the SCO had that day. The eras, their
// statuses and their member counts come from `make site`, computed from the memberships table
// by the README's rule: here a day is only looked up among them. When the page has shown a day,
// #map carries it in data-day (what the browser tests wait for).
(function () {
  "use strict";
  const DAY = 86400000;
  const slider = document.getElementById("map-day");
  const shownDate = document.getElementById("map-date");
  const count = document.getElementById("member-count");
  const notDrawn = document.getElementById("not-drawn");
  const box = document.getElementById("map");
  const spec = JSON.parse(document.getElementById("map-spec").textContent);
  const eras = JSON.parse(document.getElementById("map-eras").textContent);
  const first = Date.parse(slider.dataset.first); // a date alone parses as UTC midnight
  const iso = (ms) => new Date(ms).toISOString().slice(0, 10);
  const chosen = () => first + Number(slider.value) * DAY;

  // Set the slider to a day (YYYY-MM-DD) within its range; anything else leaves it.
  function setDay(text) {
    const n = Math.round((Date.parse(text) - first) / DAY);
    if (Number.isFinite(n) && n >= 0 && n <= Number(slider.max)) slider.value = String(n);
  }
  // Everything is inline: the page's Vega loads nothing, from here or elsewhere.
  const loader = vega.loader();
  loader.load = loader.sanitize = loader.http = loader.file = () =>
    Promise.reject(new Error("the map page loads nothing"));

  vegaEmbed(box, spec, { renderer: "svg", actions: false, loader })
    .then(({ view }) => {
      let last = Promise.resolve();
      // One update at a time, in the order asked: the page ends on the last day chosen.
      const show = (ms) => {
        last = last.then(async () => {
          await view.signal("day", ms).runAsync();
          const era = eras.find((e) => e.from_ms <= ms && ms < e.to_ms);
          shownDate.value = iso(ms);
          count.textContent = `On ${iso(ms)}: ${era.count}.`;
          notDrawn.textContent = era.not_drawn;
          box.dataset.day = iso(ms);
          box.dataset.state = "ready";
        });
      };
      const chose = () => {
        history.replaceState(null, "", `#${iso(chosen())}`);
        show(chosen());
      };
      slider.addEventListener("input", chose);
      for (const button of document.querySelectorAll("button[data-day]")) {
        button.addEventListener("click", () => {
          setDay(button.dataset.day);
          chose();
        });
      }
      window.addEventListener("hashchange", () => {
        setDay(location.hash.slice(1));
        show(chosen());
      });
      setDay(location.hash.slice(1)); // map.html#2024-07-04 opens on that day
      show(chosen());
    })
    .catch((error) => {
      box.dataset.state = "failed";
      box.textContent = `The map could not be drawn: ${error}`;
    });
})();
