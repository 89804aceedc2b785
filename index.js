// Lets the package be required: the built node and credential classes n8n loads from the `n8n` section.
const { ZohoInvoice } = require('./dist/nodes/ZohoInvoice/ZohoInvoice.node');
const { ZohoInvoiceApi } = require('./dist/credentials/ZohoInvoiceApi.credentials');
const { ZohoInvoiceOAuth2Api } = require('./dist/credentials/ZohoInvoiceOAuth2Api.credentials');

module.exports = { ZohoInvoice, ZohoInvoiceApi, ZohoInvoiceOAuth2Api };
