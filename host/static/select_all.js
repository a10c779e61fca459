// A "select all" box above a list of checkboxes: ticks or clears every box of the
// name it names in data-selects, and shows itself only where scripts run (the list
// works without it, one box at a time).
document.querySelectorAll("input.select-all[data-selects]").forEach((master) => {
  const form = master.form;
  const boxes = () => form.querySelectorAll(`input[type=checkbox][name="${master.dataset.selects}"]`);
  const reflect = () => {
    const ticked = [...boxes()].filter((box) => box.checked).length;
    master.checked = ticked > 0 && ticked === boxes().length;
    master.indeterminate = ticked > 0 && ticked < boxes().length;
  };
  master.hidden = false;
  master.addEventListener("change", () => boxes().forEach((box) => { box.checked = master.checked; }));
  form.addEventListener("change", (event) => { if (event.target !== master) reflect(); });
});
