// Start GOV.UK Frontend's components. Every journey works without this script.
import { initAll } from "./build/govuk/govuk-frontend.min.js";

initAll();
