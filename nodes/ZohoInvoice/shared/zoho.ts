/**
 * Zoho's facts in one place: data centres and their hosts, the organization
 * header, OAuth scopes and token endpoint paths. Everything else imports these.
 */

export interface ZohoRegion {
	value: string;
	name: string;
	apiUrl: string;
	accountsUrl: string;
}

/** Each data centre holds only its own accounts: a token from one is useless in another. */
export const ZOHO_REGIONS: readonly ZohoRegion[] = [
	{
		value: 'com',
		name: 'United States (zoho.com)',
		apiUrl: 'https://www.zohoapis.com/invoice/v3',
		accountsUrl: 'https://accounts.zoho.com',
	},
	{
		value: 'eu',
		name: 'Europe (zoho.eu)',
		apiUrl: 'https://www.zohoapis.eu/invoice/v3',
		accountsUrl: 'https://accounts.zoho.eu',
	},
	{
		value: 'in',
		name: 'India (zoho.in)',
		apiUrl: 'https://www.zohoapis.in/invoice/v3',
		accountsUrl: 'https://accounts.zoho.in',
	},
	{
		value: 'com.au',
		name: 'Australia (zoho.com.au)',
		apiUrl: 'https://www.zohoapis.com.au/invoice/v3',
		accountsUrl: 'https://accounts.zoho.com.au',
	},
	{
		value: 'jp',
		name: 'Japan (zoho.jp)',
		apiUrl: 'https://www.zohoapis.jp/invoice/v3',
		accountsUrl: 'https://accounts.zoho.jp',
	},
	{
		// Canada's accounts server is zohocloud.ca, not zoho.ca.
		value: 'ca',
		name: 'Canada (zohocloud.ca)',
		apiUrl: 'https://www.zohoapis.ca/invoice/v3',
		accountsUrl: 'https://accounts.zohocloud.ca',
	},
	{
		value: 'com.cn',
		name: 'China (zoho.com.cn)',
		apiUrl: 'https://www.zohoapis.com.cn/invoice/v3',
		accountsUrl: 'https://accounts.zoho.com.cn',
	},
	{
		value: 'sa',
		name: 'Saudi Arabia (zoho.sa)',
		apiUrl: 'https://www.zohoapis.sa/invoice/v3',
		accountsUrl: 'https://accounts.zoho.sa',
	},
];

/** A host of the user's choosing: a proxy, or a local stand-in for Zoho. */
export const CUSTOM_REGION = 'custom';

/** Every Zoho Invoice request names its organization with this header. */
export const ORGANIZATION_HEADER = 'X-com-zoho-invoice-organizationid';

/** Zoho Invoice expects this token type, not `Bearer`, in its own examples. */
export const TOKEN_HEADER_PREFIX = 'Zoho-oauthtoken';

export const TOKEN_PATH = '/oauth/v2/token';
export const AUTHORIZE_PATH = '/oauth/v2/auth';

/** Users needs `settings` scopes: create (also invite, active, inactive), read, update, delete. */
export const USERS_SCOPES = [
	'ZohoInvoice.settings.CREATE',
	'ZohoInvoice.settings.READ',
	'ZohoInvoice.settings.UPDATE',
	'ZohoInvoice.settings.DELETE',
];

/** Zoho separates scopes with commas, not spaces. */
export const USERS_SCOPE = USERS_SCOPES.join(',');

/** The most a list endpoint returns per page. */
export const MAX_PER_PAGE = 200;

function withoutTrailingSlash(url: string): string {
	return url.replace(/\/+$/, '');
}

function regionUrls(key: 'apiUrl' | 'accountsUrl'): Record<string, string> {
	return Object.fromEntries(ZOHO_REGIONS.map((region) => [region.value, region[key]]));
}

interface RegionSettings {
	region?: unknown;
	customApiUrl?: unknown;
	customAccountsUrl?: unknown;
}

export function apiBaseUrl(settings: RegionSettings): string {
	if (settings.region === CUSTOM_REGION) return withoutTrailingSlash(String(settings.customApiUrl ?? ''));
	return regionUrls('apiUrl')[String(settings.region)] ?? regionUrls('apiUrl').com;
}

export function accountsBaseUrl(settings: RegionSettings): string {
	if (settings.region === CUSTOM_REGION) {
		return withoutTrailingSlash(String(settings.customAccountsUrl ?? ''));
	}
	return regionUrls('accountsUrl')[String(settings.region)] ?? regionUrls('accountsUrl').com;
}

/**
 * The same lookups as n8n expressions, for the places n8n only evaluates
 * expressions (request defaults, credential tests, hidden OAuth2 fields).
 * `source` is `$credentials` in a node or credential test, `$self` inside a
 * credential's own fields. Built from the table above so the hosts live in
 * one place.
 */
function urlExpression(key: 'apiUrl' | 'accountsUrl', customField: string, source: string, path = '') {
	const table = JSON.stringify(regionUrls(key));
	const custom = `String(${source}.${customField} || '').replace(/\\/+$/, '')`;
	return `={{ (${source}.region === '${CUSTOM_REGION}' ? ${custom} : (${table}[${source}.region] || ${JSON.stringify(regionUrls(key).com)})) + '${path}' }}`;
}

export function apiBaseUrlExpression(source = '$credentials'): string {
	return urlExpression('apiUrl', 'customApiUrl', source);
}

export function accountsUrlExpression(path: string, source = '$self'): string {
	return urlExpression('accountsUrl', 'customAccountsUrl', source, path);
}
