// "Copy link" buttons: copy the text of the input named by data-copy, say so in its status.
document.addEventListener("click", async (event) => {
  const button = event.target.closest("[data-copy]");
  if (!button) return;
  const id = button.getAttribute("data-copy");
  const input = document.getElementById(id);
  const status = document.querySelector(`[data-copy-status="${id}"]`);
  if (!input) return;
  try {
    await navigator.clipboard.writeText(input.value);
    if (status) status.textContent = "Copied.";
  } catch (error) {
    input.select();
    if (status) status.textContent = "Selected: copy it with your device's copy command.";
  }
});
