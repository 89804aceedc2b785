// Not the lint configuration (that is eslint.config.mjs): import-x's no-unused-modules, run by
// eslint.exports.config.mjs, walks the project's files with ESLint's older API, which stops when
// no .eslintrc file exists. Empty: it ignores nothing beyond that API's defaults.
module.exports = {};
