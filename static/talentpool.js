// Start GOV.UK Frontend's components. Every journey works without this script.
// base.html gives GOV.UK Frontend's URL (fingerprinted by the static files storage) in a data attribute,
// so this module and the template never disagree about which file to load.
const script = document.querySelector("script[data-govuk-frontend]");

if (script && document.body.classList.contains("govuk-frontend-supported")) {
  import(script.dataset.govukFrontend).then(({ initAll }) => initAll());
}

// A box that finds items in a long list as you type (the service areas of a profile): items that do not
// match are hidden, groups with a match are opened, and the number found is announced. Without this
// script the box still works: its suggestions come from a <datalist>, and the name picked is saved.
for (const box of document.querySelectorAll("[data-tp-filter]")) {
  const list = document.getElementById(box.dataset.tpFilter);
  const status = box.parentElement.querySelector("[data-tp-filter-status]");
  if (!list) continue;
  box.addEventListener("input", () => {
    const wanted = box.value.trim().toLocaleLowerCase();
    let found = 0;
    for (const group of list.querySelectorAll("[data-tp-filter-group]")) {
      let shown = 0;
      for (const item of group.querySelectorAll("[data-tp-filter-item]")) {
        const match = !wanted || item.textContent.toLocaleLowerCase().includes(wanted);
        item.hidden = !match;
        if (match) shown += 1;
      }
      group.hidden = shown === 0;
      if (wanted) group.open = shown > 0;
      found += shown;
    }
    if (status) status.textContent = wanted ? `${found} ${found === 1 ? "service matches" : "services match"}` : "";
  });
}
