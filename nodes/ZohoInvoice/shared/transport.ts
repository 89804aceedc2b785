import type {
	IDataObject,
	IExecuteSingleFunctions,
	IHttpRequestMethods,
	ILoadOptionsFunctions,
} from 'n8n-workflow';

import { isZohoSuccess, unexpectedResponse, zohoApiError } from './errors';
import { ORGANIZATION_HEADER, apiBaseUrl } from './zoho';

/** The credential type the node's `authentication` choice uses. */
export function credentialTypeFor(authentication: unknown): string {
	return authentication === 'selfClient' ? 'zohoInvoiceApi' : 'zohoInvoiceOAuth2Api';
}

type ZohoContext = IExecuteSingleFunctions | ILoadOptionsFunctions;

/**
 * A Zoho Invoice request made outside the node's routing: user lookups for the
 * user field and the current record before an update. Same credential, base
 * URL, organization header and error messages as the routed requests.
 */
export async function zohoApiRequest(
	context: ZohoContext,
	method: IHttpRequestMethods,
	path: string,
	qs: IDataObject = {},
): Promise<Record<string, unknown>> {
	const credentialType = credentialTypeFor(context.getNodeParameter('authentication', 'oAuth2'));
	const credentials = await context.getCredentials(credentialType);
	const baseURL = apiBaseUrl(credentials);
	const itemIndex = 'getItemIndex' in context ? context.getItemIndex() : undefined;
	let response;
	try {
		response = await context.helpers.httpRequestWithAuthentication.call(context, credentialType, {
			method,
			baseURL,
			url: path,
			qs,
			headers: { Accept: 'application/json', [ORGANIZATION_HEADER]: String(credentials.organizationId ?? '') },
			json: true,
			returnFullResponse: true,
		});
	} catch (error) {
		throw zohoApiError(context.getNode(), error, baseURL, itemIndex);
	}
	if (!isZohoSuccess(response.body)) {
		throw zohoApiError(context.getNode(), unexpectedResponse(response.statusCode, response.body), baseURL, itemIndex);
	}
	return response.body;
}
