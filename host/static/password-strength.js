// Shows zxcvbn's estimate under each new-password input (data-strength-url) as it is
// typed, asked of the site, which refuses the same passwords on submission. Without
// JavaScript the input works as it is and the refusal says why.
(function () {
  "use strict";
  document.querySelectorAll("input[data-strength-url]").forEach(function (input) {
    var output = document.getElementById(input.id + "-strength");
    var meter = output.querySelector("meter");
    var sentence = output.querySelector("span");
    var token = input.form.querySelector("input[name=csrf_token]");
    var timer = null;
    var asked = 0;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var question = ++asked;
        if (!input.value) {
          output.hidden = true;
          return;
        }
        var body = new FormData();
        body.append("password", input.value);
        if (token) body.append("csrf_token", token.value);
        fetch(input.dataset.strengthUrl, { method: "POST", body: body, credentials: "same-origin" })
          .then(function (answer) { return answer.ok ? answer.json() : null; })
          .then(function (estimate) {
            if (!estimate || question !== asked) return;
            meter.value = estimate.score;
            sentence.textContent = estimate.sentence;
            output.hidden = false;
          })
          .catch(function () {});
      }, 250);
    });
  });
})();
