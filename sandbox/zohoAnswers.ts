/**
 * What the sandbox answers, and where each answer comes from:
 * - `quoted`: Zoho's own pages (the Users reference for success messages, Zoho
 *   Accounts' OAuth pages for token errors);
 * - `reported`: only other integrations report it (Zoho Books and Inventory,
 *   which share Invoice's platform), so the node must not rely on it alone;
 * - `ours`: Zoho documents nothing for the case; the sandbox chose it.
 */
export type Source = 'quoted' | 'reported' | 'ours';

export interface ZohoError {
	code: number;
	message: string;
	source: Source;
}

export const ZOHO_ERRORS = {
	notAuthorized: {
		code: 57,
		message: 'You are not authorized to perform this operation',
		source: 'reported',
	},
	invalidToken: { code: 14, message: 'Invalid OAuth token.', source: 'reported' },
	noOrganization: {
		code: 6041,
		message: 'This user is not associated with the CompanyID/CompanyName.',
		source: 'reported',
	},
	missingOrganization: {
		code: 6024,
		message: 'Organization ID is required: send the X-com-zoho-invoice-organizationid header.',
		source: 'ours',
	},
	perMinuteLimit: {
		code: 44,
		message: 'You have made too many requests per minute. Please try again after some time.',
		source: 'reported',
	},
	simultaneousLimit: {
		code: 1070,
		message: 'You have made too many concurrent requests. Please try again after some time.',
		source: 'reported',
	},
	dailyLimit: {
		code: 45,
		message:
			'You have reached the maximum number of API calls allowed per day for your organization.',
		source: 'reported',
	},
	invalidUrl: { code: 5, message: 'Invalid URL Passed', source: 'quoted' },
	userMissing: { code: 1002, message: 'User does not exist.', source: 'reported' },
	methodNotAllowed: {
		code: 37,
		message: 'The HTTP method is not allowed for the requested resource',
		source: 'reported',
	},
	badJson: { code: 4, message: 'Invalid value passed for JSONString', source: 'reported' },
	emailTaken: {
		code: 3003,
		message: 'This email address is already associated with a user in your organization.',
		source: 'ours',
	},
} satisfies Record<string, ZohoError>;

/** Zoho's "Invalid value passed for …" for a bad parameter (reported), with the parameter named. */
export function invalidValue(parameter: string): ZohoError {
	return { code: 2, message: `Invalid value passed for ${parameter}`, source: 'reported' };
}

/** Success messages, quoted from the Users reference. */
export const ZOHO_MESSAGES = {
	success: 'success',
	invited: 'Your invitation has been sent.',
	updated: 'The user information has been updated.',
	removed: 'The user has been removed from your organization.',
	markedActive: 'The user has been marked as active.',
	markedInactive: 'The user has been marked as inactive.',
};

/** Zoho Accounts answers token errors with HTTP 200 and an `error` field (quoted); these are its values. */
export const TOKEN_ERRORS = {
	invalidClient: 'invalid_client',
	invalidClientSecret: 'invalid_client_secret',
	invalidCode: 'invalid_code',
	invalidRedirectUri: 'invalid_redirect_uri',
	unsupportedGrantType: 'unsupported_grant_type',
	/** Over 10 tokens per refresh token in 10 minutes (reported for Zoho CRM). */
	accessDenied: 'Access Denied',
};

/** An error body as Zoho sends it: code and message, without the sandbox's note of its source. */
export function errorBody({ code, message }: ZohoError): { code: number; message: string } {
	return { code, message };
}
