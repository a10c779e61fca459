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
// My Domain URL shows only while My Domain is the chosen login. The host's settings
// form names a setting's input "setting_<key>".
const settingInput = (key) => document.getElementById(`setting_${key}`) || document.getElementById(key);

document.addEventListener("DOMContentLoaded", () => {
  for (const line of document.querySelectorAll("[data-fills]")) {
    const input = settingInput(line.dataset.fills);
    if (input && !input.value) input.placeholder = `from the connection: ${line.dataset.value}`;
  }
  const choice = settingInput("login_host");
  const domain = settingInput("custom_login_url");
  if (!choice || !domain) return;
  const box = domain.closest(".field") || domain;
  const show = () => { box.style.display = choice.value === "custom" ? "" : "none"; };
  choice.addEventListener("change", show);
  show();
});
