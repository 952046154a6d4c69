/* Small, optional enhancements. Every page works without this file. */
(function () {
    "use strict";

    function enableCopyButtons() {
        document.querySelectorAll("[data-copy-target]").forEach(function (button) {
            var input = document.getElementById(button.dataset.copyTarget);
            if (!input || !navigator.clipboard) {
                return;
            }
            button.hidden = false;
            button.addEventListener("click", function () {
                navigator.clipboard.writeText(input.value).then(function () {
                    button.textContent = button.dataset.copiedLabel;
                });
            });
        });
    }

    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", enableCopyButtons);
    } else {
        enableCopyButtons();
    }
})();
