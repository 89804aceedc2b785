import { NodeConnectionTypes } from 'n8n-workflow';
import type {
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IPollFunctions,
} from 'n8n-workflow';

import { authenticationProperty, zohoCredentials, zohoIcon } from './shared/descriptions';
import { eventsProperty, pollUserEvents } from './trigger/userEvents';

export class ZohoInvoiceTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Zoho Invoice Trigger',
		name: 'zohoInvoiceTrigger',
		icon: zohoIcon,
		group: ['trigger'],
		version: 1,
		subtitle: '={{ $parameter["events"].join(", ") }}',
		description:
			'Starts the workflow when Zoho Invoice users are added, change status or role, or leave',
		defaults: { name: 'Zoho Invoice Trigger' },
		// Zoho Invoice has no webhooks for users: n8n calls poll() on the schedule the user sets.
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: zohoCredentials,
		properties: [authenticationProperty, eventsProperty],
	};

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		return await pollUserEvents(this);
	}
}
