// The affiliate's Salesforce notice: asks the status endpoint every second until the
// sync settles (synced or failed), for at most a minute, then stops.
document.querySelectorAll(".salesforce-sync[data-status-url]").forEach((panel) => {
  if (panel.dataset.settled === "true") return;
  const notice = panel.querySelector("[data-sync-notice]");
  const message = panel.querySelector("[data-sync-message]");
  const record = panel.querySelector("[data-sync-record]");
  const usage = panel.querySelector("[data-sync-usage]");
  const retry = panel.querySelector("[data-sync-retry]");
  const deadline = Date.now() + 60000;

  const show = (report) => {
    message.textContent = report.message;
    notice.className = "notice notice-" + (report.ok === true ? "success" : report.ok === false ? "error" : "info");
    record.hidden = !report.record_url;
    if (report.record_url) record.href = report.record_url;
    usage.textContent = report.api_usage || "";
    retry.textContent = report.ok === false ? "Retry" : "Resync";
  };

  const poll = () => {
    fetch(panel.dataset.statusUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then((response) => response.json())
      .then((report) => {
        show(report);
        if (report.ok === null && Date.now() < deadline) setTimeout(poll, 1000);
      })
      .catch(() => { if (Date.now() < deadline) setTimeout(poll, 2000); });
  };
  setTimeout(poll, 500);
});
