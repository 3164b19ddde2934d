// Loaded as a module, so only by browsers that GOV.UK Frontend supports.
import { initAll } from "/static/govuk/govuk-frontend.min.js";

document.body.classList.add("govuk-frontend-supported");
initAll();
