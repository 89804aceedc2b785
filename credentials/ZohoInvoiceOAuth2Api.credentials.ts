import type { ICredentialTestRequest, ICredentialType, INodeProperties, Icon } from 'n8n-workflow';

import {
	AUTHORIZE_PATH,
	ORGANIZATION_HEADER,
	TOKEN_PATH,
	USERS_SCOPE,
	accountsUrlExpression,
	apiBaseUrlExpression,
} from '../nodes/ZohoInvoice/shared/zoho';
import { TEST_MESSAGES, connectionProperties } from './connectionProperties';

export class ZohoInvoiceOAuth2Api implements ICredentialType {
	name = 'zohoInvoiceOAuth2Api';

	extends = ['oAuth2Api'];

	displayName = 'Zoho Invoice OAuth2 API';

	icon: Icon = {
		light: 'file:../nodes/ZohoInvoice/zohoInvoice.svg',
		dark: 'file:../nodes/ZohoInvoice/zohoInvoice.dark.svg',
	};

	documentationUrl = 'https://www.zoho.com/invoice/api/v3/oauth/';

	properties: INodeProperties[] = [
		...connectionProperties,
		{
			displayName: 'Grant Type',
			name: 'grantType',
			type: 'hidden',
			default: 'authorizationCode',
		},
		{
			displayName: 'Authorization URL',
			name: 'authUrl',
			type: 'hidden',
			default: accountsUrlExpression(AUTHORIZE_PATH),
		},
		{
			displayName: 'Access Token URL',
			name: 'accessTokenUrl',
			type: 'hidden',
			default: accountsUrlExpression(TOKEN_PATH),
		},
		{
			displayName: 'Scope',
			name: 'scope',
			type: 'hidden',
			default: USERS_SCOPE,
		},
		{
			// offline: Zoho only returns a refresh token for it; consent: so reconnecting returns one again.
			displayName: 'Auth URI Query Parameters',
			name: 'authQueryParameters',
			type: 'hidden',
			default: 'access_type=offline&prompt=consent',
		},
		{
			displayName: 'Authentication',
			name: 'authentication',
			type: 'hidden',
			default: 'body',
		},
	];

	test: ICredentialTestRequest = {
		request: {
			baseURL: apiBaseUrlExpression(),
			url: '/users/me',
			// n8n signs OAuth2 requests itself and skips `authenticate`, so the test names the organization here.
			headers: { [ORGANIZATION_HEADER]: '={{ $credentials.organizationId }}' },
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
