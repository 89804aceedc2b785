// Lets the package be required: the built nodes and credential classes n8n loads from the `n8n` section.
const { ZohoInvoice } = require('./dist/nodes/ZohoInvoice/ZohoInvoice.node');
const { ZohoInvoiceTrigger } = require('./dist/nodes/ZohoInvoice/ZohoInvoiceTrigger.node');
const { ZohoInvoiceApi } = require('./dist/credentials/ZohoInvoiceApi.credentials');
const { ZohoInvoiceOAuth2Api } = require('./dist/credentials/ZohoInvoiceOAuth2Api.credentials');

module.exports = { ZohoInvoice, ZohoInvoiceTrigger, ZohoInvoiceApi, ZohoInvoiceOAuth2Api };
