// Start GOV.UK Frontend's components. Every journey works without this script.
// base.html gives GOV.UK Frontend's URL (fingerprinted by the static files storage) in a data attribute,
// so this module and the template never disagree about which file to load.
const script = document.querySelector("script[data-govuk-frontend]");

if (script && document.body.classList.contains("govuk-frontend-supported")) {
  import(script.dataset.govukFrontend).then(({ initAll }) => initAll());
}
