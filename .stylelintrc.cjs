// stylelint over static/css/ (`make lint`; make installs it into .stylelint/): the standard
// configuration, with only the rules below relaxed, each for a deliberate choice.
module.exports = {
  extends: ["stylelint-config-standard"],
  rules: {
    // The type scale names its steps below zero with a double hyphen (--step--1, --step--2),
    // as the fluid type scales it follows do; otherwise kebab-case, as the standard asks.
    "custom-property-pattern": [
      "^([a-z][a-z0-9]*)(--?[a-z0-9]+)*$",
      { message: "Expected custom property name to be kebab-case (or a --step--N of the type scale)" },
    ],
    // site.css is ordered by component, in page order, inside cascade layers. This rule
    // compares unrelated components that share an element (.site-nav a:hover before
    // .card-title a) and would scatter each component's rules across the file.
    "no-descending-specificity": null,
  },
};
