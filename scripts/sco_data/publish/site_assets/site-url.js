// Write this site's own address into the code examples, so they can be copied as they are.
// MIT licence, part of sco-central-asia-data.
"use strict";
(function () {
  if (!/^https?:$/.test(window.location.protocol)) return; // a file:// copy keeps the placeholder
  const here = new URL(".", window.location.href).href;
  for (const span of document.querySelectorAll("[data-site-url]")) span.textContent = here;
})();
