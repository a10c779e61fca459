// Polls the import's progress and fills in the bar and the summary until it finishes.
(function () {
  const box = document.getElementById("import-progress");
  if (!box) return;
  const bar = box.querySelector("progress");
  const set = (name, value) => { const el = box.querySelector(`[data-field="${name}"]`); if (el) el.textContent = value; };
  async function poll() {
    const response = await fetch(box.dataset.url, { credentials: "same-origin" });
    const progress = await response.json();
    if (!progress) return;
    bar.max = Math.max(progress.total, 1);
    bar.value = progress.processed;
    for (const name of ["processed", "total", "created", "linked", "skipped_total"]) set(name, progress[name]);
    const reasons = box.querySelector("[data-field=reasons]");
    reasons.replaceChildren(...Object.entries(progress.skipped).map(([reason, count]) => {
      const item = document.createElement("li");
      item.textContent = `${reason}: ${count}`;
      return item;
    }));
    if (progress.problem) set("problem", progress.problem);
    if (!progress.finished) setTimeout(poll, 1000);
    else set("state", "Finished");
  }
  poll();
})();
