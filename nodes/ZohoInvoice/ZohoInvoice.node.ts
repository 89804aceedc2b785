import { NodeConnectionTypes } from 'n8n-workflow';
import type { INodeType, INodeTypeDescription } from 'n8n-workflow';

import { searchUsers } from './listSearch/searchUsers';
import { userResource } from './resources/user';
import {
	authenticationProperty,
	requestOptionsProperty,
	resourceProperties,
	resourceSelector,
	zohoCredentials,
	zohoIcon,
} from './shared/descriptions';
import { zohoRequestPipeline } from './shared/pipeline';
import { ORGANIZATION_HEADER, apiBaseUrlExpression } from './shared/zoho';

/** A new resource is a folder under resources/ and one entry here. */
const resources = [userResource];

export class ZohoInvoice implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Zoho Invoice',
		name: 'zohoInvoice',
		icon: zohoIcon,
		group: ['transform'],
		version: 1,
		subtitle: '={{ $parameter["operation"] + ": " + $parameter["resource"] }}',
		description: 'Create, find, update, invite, activate, deactivate and delete Zoho Invoice users',
		defaults: { name: 'Zoho Invoice' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: zohoCredentials,
		requestDefaults: {
			baseURL: apiBaseUrlExpression(),
			headers: {
				Accept: 'application/json',
				// n8n ignores an OAuth2 credential's `authenticate`, so the organization header is sent from here.
				[ORGANIZATION_HEADER]: '={{ $credentials.organizationId }}',
			},
			json: true,
		},
		requestOperations: { pagination: zohoRequestPipeline(resources) },
		properties: [
			authenticationProperty,
			resourceSelector(resources),
			...resources.flatMap(resourceProperties),
			requestOptionsProperty,
		],
	};

	methods = { listSearch: { searchUsers } };
}
