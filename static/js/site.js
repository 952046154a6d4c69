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
                    var status = document.getElementById(button.dataset.copyStatus);
                    button.textContent = button.dataset.copiedLabel;
                    if (status) {
                        // A live region: screen readers announce the change (WCAG 4.1.3).
                        status.textContent = button.dataset.copiedLabel;
                    }
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
