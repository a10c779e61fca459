// Moves the Send existing bars in place: polls where the records stand until none is on its way.
(function () {
  const boxes = document.querySelectorAll("[data-sending][data-progress-url]");
  if (!boxes.length) return;
  async function poll() {
    const response = await fetch(boxes[0].dataset.progressUrl, { credentials: "same-origin" });
    if (!response.ok) return;
    const existing = await response.json();
    for (const box of boxes) {
      const records = existing.kinds.find((kind) => kind.kind === box.dataset.sending);
      if (!records) continue;
      const bar = box.querySelector("progress");
      bar.max = records.total;
      bar.value = records.arrived;
      box.querySelector("label").textContent = records.label;
    }
    if (existing.waiting) setTimeout(poll, 1500);
  }
  setTimeout(poll, 1500);
})();
