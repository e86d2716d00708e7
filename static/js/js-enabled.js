// Loaded first thing in <body>: lets GOV.UK Frontend style for JavaScript before paint.
document.body.className += " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");
