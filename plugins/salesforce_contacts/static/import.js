// Polls the import's progress and fills in the bar, the summary and the state until it ends.
(function () {
  const box = document.getElementById("import-progress");
  if (!box) return;
  const bar = box.querySelector("progress");
  const field = (name) => box.querySelector(`[data-field="${name}"]`);
  const set = (name, value) => { const el = field(name); if (el) el.textContent = value; };
  async function poll() {
    const response = await fetch(box.dataset.url, { credentials: "same-origin" });
    const progress = await response.json();
    if (!progress) return;
    bar.max = Math.max(progress.total, 1);
    bar.value = progress.processed;
    for (const name of ["processed", "total", "created", "linked", "skipped_total", "state"]) set(name, progress[name]);
    field("reasons").replaceChildren(...Object.entries(progress.skipped).map(([reason, count]) => {
      const item = document.createElement("li");
      item.textContent = `${reason}: ${count}`;
      return item;
    }));
    set("problem", progress.problem || "");
    field("problem").hidden = !progress.problem;
    field("cancel").hidden = !progress.running;
    if (progress.running) setTimeout(poll, 1000);
  }
  poll();
})();
