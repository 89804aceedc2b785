/**
 * Zoho's facts in one place: data centres and their hosts, the organization
 * header, OAuth scopes and token endpoint paths. Everything else imports these.
 */

interface ZohoRegion {
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

/**
 * The OAuth scopes of Zoho Invoice's Users API: CREATE also covers invite,
 * mark active and mark inactive; READ covers list, get and the current user.
 * ZohoInvoice.settings.ALL covers the four.
 */
export const USERS_SCOPES = {
	create: 'ZohoInvoice.settings.CREATE',
	read: 'ZohoInvoice.settings.READ',
	update: 'ZohoInvoice.settings.UPDATE',
	delete: 'ZohoInvoice.settings.DELETE',
} as const;

/** What a Self Client's grant code should ask for: every Users scope, and any added later. */
export const SETTINGS_ALL_SCOPE = 'ZohoInvoice.settings.ALL';

/** What the OAuth2 credential asks for. Zoho separates scopes with commas, not spaces. */
export const USERS_SCOPE = Object.values(USERS_SCOPES).join(',');

/** The most a list endpoint returns per page. */
export const MAX_PER_PAGE = 200;

/**
 * Zoho's per-organization API limits. Where each rule comes from: "documented"
 * is Zoho's own pages for Zoho Books and Zoho Inventory, which share Zoho
 * Invoice's platform (Invoice's own pages say only "429 Too many requests");
 * "reported" is other integrations only, so the node must not rely on it alone.
 */
export const ZOHO_LIMITS = {
	/** Documented: calls in progress at once per organization, by plan; beyond that a 429 at once. */
	simultaneousCalls: { paid: 10, free: 5 },
	/** Documented: calls per rolling minute per organization, whatever the plan. */
	callsPerWindow: 100,
	windowMs: 60_000,
	/**
	 * Documented: a daily quota per organization by plan, 1,000 calls on Free (a few thousand
	 * and up on paid plans; figures vary by source), shared by every integration of the organization.
	 */
	dailyCallsOnFree: 1_000,
} as const;

export type ZohoPlan = keyof typeof ZOHO_LIMITS.simultaneousCalls;

/**
 * Zoho's error codes the node acts on. Only `invalidUrl` is in Zoho's own
 * pages. The rate-limit codes are reported, and inconsistently: one public
 * script logged 44 with "...maximum number of requests per minute" (Zoho
 * Books), a support page lists 45 as "more than 100 requests per minute" where
 * others give 45 as the daily limit, and 1070 has no public source. So the
 * node reads a refusal's message first, the codes only when the message says
 * nothing, and never concludes "daily quota" from 45 alone (errors.ts).
 */
export const ZOHO_ERROR_CODES = {
	invalidUrl: 5,
	/** Reported: "User does not exist."; a 404 in Zoho's JSON says the same. */
	recordMissing: 1002,
	/** Reported: "You are not authorized to perform this operation": the token lacks the operation's scope. */
	notAuthorized: 57,
	/** Reported: the per-minute limit. */
	perMinuteLimit: 44,
	/** Reported both as the daily quota and as the per-minute limit. */
	dailyLimit: 45,
	/** Reported: too many calls at once. */
	simultaneousLimit: 1070,
} as const;

/**
 * Zoho Books is reported (a public client, 2019; not confirmed for Invoice) to
 * send these on its answers: `X-Rate-Limit-Limit: 7500`,
 * `X-Rate-Limit-Remaining: 6775`, `X-Rate-Limit-Reset: 34881`. They describe the
 * daily quota, and Reset counts the seconds until it resets (9.7 h there), so
 * Reset is never a per-minute wait; the same client warns a Reset of 0 cannot
 * be trusted. Used when present, never relied on.
 */
export const RATE_LIMIT_HEADERS = {
	dailyQuota: 'x-rate-limit-limit',
	remainingToday: 'x-rate-limit-remaining',
	secondsUntilReset: 'x-rate-limit-reset',
} as const;

/** These hosts are this machine whichever way a custom URL names it. */
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Which organization's limits a request counts against: its API base URL and
 * organization id, with the URL written one way (host in lower case, no
 * default port, one name for this machine), so that the same organization
 * reached as `http://127.0.0.1:8080` and `http://LOCALHOST:8080/` shares one
 * governor. The URL stays in the key: a custom URL may be another Zoho (a
 * stand-in) whose organization ids repeat.
 */
export function organizationKeyOf(apiUrl: string, organizationId: string): string {
	let url: URL;
	try {
		url = new URL(apiUrl.trim());
	} catch {
		return `${apiUrl.trim()}\n${organizationId.trim()}`;
	}
	// URL has already lower-cased the host and dropped a default port.
	const host = LOOPBACK_HOSTS.has(url.hostname) ? 'localhost' : url.hostname;
	const port = url.port ? `:${url.port}` : '';
	const path = url.pathname.replace(/\/+$/, '');
	return `${url.protocol}//${host}${port}${path}\n${organizationId.trim()}`;
}

/** What a credential says about where its Zoho lives. */
interface ConnectionSettings {
	region?: unknown;
	customApiUrl?: unknown;
	customAccountsUrl?: unknown;
}

/** Only a region in the table counts: `constructor` or `toString` must not reach an object's prototype. */
function regionOf(settings: ConnectionSettings): ZohoRegion | undefined {
	return ZOHO_REGIONS.find((region) => region.value === settings.region);
}

/** A custom URL: trimmed, without its trailing slashes, and with no query or fragment to break paths. */
const CUSTOM_URL = /^https?:\/\/[^\s?#]+$/;

/** A host URL from the credential's settings, or a sentence naming the setting that is wrong. */
type UrlOrProblem = { url: string; problem?: undefined } | { url?: undefined; problem: string };

function customUrl(value: unknown, field: string): UrlOrProblem {
	const url = String(value ?? '')
		.trim()
		.replace(/\/+$/, '');
	if (CUSTOM_URL.test(url)) return { url };
	return {
		problem: `${field}: "${String(value ?? '').slice(0, 80)}" is not a URL the node can send requests to. Give an http(s) address without ? or #, e.g. https://zoho-proxy.example.com.`,
	};
}

function regionUrl(settings: ConnectionSettings, key: 'apiUrl' | 'accountsUrl'): UrlOrProblem {
	if (settings.region === CUSTOM_REGION) {
		return key === 'apiUrl'
			? customUrl(settings.customApiUrl, 'API URL')
			: customUrl(settings.customAccountsUrl, 'Accounts URL');
	}
	const region = regionOf(settings);
	if (region) return { url: region[key] };
	return {
		problem: `Region (Data Centre): "${String(settings.region ?? '').slice(0, 40)}" is not one of Zoho's data centres. Pick one in the credential.`,
	};
}

export function apiBaseUrl(settings: ConnectionSettings): UrlOrProblem {
	return regionUrl(settings, 'apiUrl');
}

export function accountsBaseUrl(settings: ConnectionSettings): UrlOrProblem {
	return regionUrl(settings, 'accountsUrl');
}

/**
 * The same lookups as n8n expressions, for the places n8n only evaluates
 * expressions (request defaults, credential tests, hidden OAuth2 fields).
 * `source` is `$credentials` in a node or credential test, `$self` inside a
 * credential's own fields. Built from the table above so the hosts live in
 * one place. A setting the functions above refuse gives '' here: the node
 * checks the credential with them before it sends anything.
 */
function urlExpression(
	key: 'apiUrl' | 'accountsUrl',
	customField: string,
	source: string,
	path = '',
) {
	const table = JSON.stringify(ZOHO_REGIONS.map((region) => [region.value, region[key]]));
	const regionLookup = `(${table}.find((entry) => entry[0] === ${source}.region) || ['', ''])[1]`;
	const custom = `([String(${source}.${customField} || '').trim().replace(/\\/+$/, '')].filter((url) => ${CUSTOM_URL.toString()}.test(url))[0] || '')`;
	return `={{ (${source}.region === '${CUSTOM_REGION}' ? ${custom} : ${regionLookup}) + '${path}' }}`;
}

export function apiBaseUrlExpression(source = '$credentials'): string {
	return urlExpression('apiUrl', 'customApiUrl', source);
}

export function accountsUrlExpression(path: string, source = '$self'): string {
	return urlExpression('accountsUrl', 'customAccountsUrl', source, path);
}
