// Live strength indicator under a new-password field (the server still checks the policy).
(function () {
  "use strict";
  var LABELS = ["Très faible", "Faible", "Moyen", "Fort", "Très fort"];

  function score(value) {
    if (!value) return -1;
    var classes = 0;
    if (/\p{Lu}/u.test(value)) classes++;
    if (/\p{Ll}/u.test(value)) classes++;
    if (/\p{N}/u.test(value)) classes++;
    if (/[^\p{L}\p{N}]/u.test(value)) classes++;
    var points = 0;
    if (value.length >= 12) points++;
    if (value.length >= 16) points++;
    if (classes >= 3) points++;
    if (classes === 4 || value.length >= 24) points++;
    if (value.length < 12) points = Math.min(points, 1);
    return points;
  }

  document.querySelectorAll("input[data-password-strength]").forEach(function (input) {
    var output = document.getElementById(input.getAttribute("data-password-strength"));
    if (!output) return;
    input.addEventListener("input", function () {
      var level = score(input.value);
      if (level < 0) {
        output.textContent = "";
        output.removeAttribute("data-level");
        return;
      }
      output.setAttribute("data-level", String(level));
      output.textContent = "Robustesse du mot de passe : " + LABELS[level] + (level >= 3 ? " ✓" : "");
    });
  });
})();
