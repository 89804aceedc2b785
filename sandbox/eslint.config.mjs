export { default } from '../eslint.tools.config.mjs';
