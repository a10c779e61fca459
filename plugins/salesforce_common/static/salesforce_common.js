// Copy buttons of the Salesforce connection panel: data-copy names the element whose text is copied.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-copy]");
  if (!button) return;
  const text = document.getElementById(button.dataset.copy).textContent.trim();
  navigator.clipboard.writeText(text).then(() => {
    const label = button.textContent;
    button.textContent = "Copied";
    setTimeout(() => { button.textContent = label; }, 1500);
  });
});

// Settings the connection fills in show its value in their blank field, and the
// My Domain URL shows only while My Domain is the chosen login.
document.addEventListener("DOMContentLoaded", () => {
  for (const line of document.querySelectorAll("[data-fills]")) {
    const input = document.getElementById(line.dataset.fills);
    if (input && !input.value) input.placeholder = `from the connection: ${line.dataset.value}`;
  }
  const choice = document.getElementById("login_host");
  const domain = document.getElementById("custom_login_url");
  if (!choice || !domain) return;
  const box = domain.closest(".field") || domain;
  const show = () => { box.hidden = choice.value !== "custom"; };
  choice.addEventListener("change", show);
  show();
});
