import type {
	IAuthenticateGeneric,
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IDataObject,
	IHttpRequestHelper,
	INodeProperties,
	Icon,
} from 'n8n-workflow';

import {
	ORGANIZATION_HEADER,
	TOKEN_HEADER_PREFIX,
	apiBaseUrlExpression,
} from '../nodes/ZohoInvoice/shared/zoho';
import { TEST_MESSAGES, connectionProperties } from './connectionProperties';
import { selfClientAccessToken } from './selfClientToken';

export class ZohoInvoiceApi implements ICredentialType {
	name = 'zohoInvoiceApi';

	displayName = 'Zoho Invoice Self Client API';

	icon: Icon = {
		light: 'file:../nodes/ZohoInvoice/zohoInvoice.svg',
		dark: 'file:../nodes/ZohoInvoice/zohoInvoice.dark.svg',
	};

	documentationUrl = 'https://www.zoho.com/accounts/protocol/oauth/self-client/overview.html';

	properties: INodeProperties[] = [
		...connectionProperties,
		{
			displayName: 'Client ID',
			name: 'clientId',
			type: 'string',
			default: '',
			required: true,
			hint: 'Zoho API Console → Self Client → Client Secret tab',
		},
		{
			displayName: 'Client Secret',
			name: 'clientSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
		},
		{
			displayName: 'Refresh Token',
			name: 'refreshToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				'Generate a grant code in the Self Client with scope ZohoInvoice.settings.ALL, then exchange it once for a refresh token (see the README)',
		},
		{
			// Filled by n8n from preAuthentication; refreshed when empty or when Zoho answers 401.
			displayName: 'Access Token',
			name: 'accessToken',
			type: 'hidden',
			typeOptions: { expirable: true, password: true },
			default: '',
		},
	];

	async preAuthentication(
		this: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
	): Promise<IDataObject> {
		const accessToken = await selfClientAccessToken(this, credentials);
		// The same token back: it lacks a scope. n8n then keeps it (nothing to store) and sends the
		// request once more, and Zoho's refusal reaches the node, which names the scope.
		return accessToken === credentials.accessToken ? {} : { accessToken };
	}

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				Authorization: `=${TOKEN_HEADER_PREFIX} {{ $credentials.accessToken }}`,
				[ORGANIZATION_HEADER]: '={{ $credentials.organizationId }}',
			},
		},
	};

	test: ICredentialTestRequest = {
		request: {
			baseURL: apiBaseUrlExpression(),
			url: '/users/me',
		},
		rules: [
			{
				type: 'responseCode',
				properties: { value: 401, message: TEST_MESSAGES.unauthorized },
			},
			{
				type: 'responseCode',
				properties: { value: 403, message: TEST_MESSAGES.forbidden },
			},
		],
	};
}
