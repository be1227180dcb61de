// The follow-up code's copy button (the code itself is in the page, shown once).
document.addEventListener("DOMContentLoaded", () => {
  for (const button of document.querySelectorAll("[data-copy-target]")) {
    const target = document.getElementById(button.dataset.copyTarget);
    const status = document.querySelector("[data-copy-status]");
    if (!target || !navigator.clipboard) continue;
    button.hidden = false;
    button.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(target.textContent.trim());
        if (status) status.textContent = button.dataset.copied || "Copied.";
      } catch (error) {
        if (status) status.textContent = button.dataset.failed || "Select the code and copy it.";
      }
    });
  }
});
