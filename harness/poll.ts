/**
 * The trigger as n8n's main process runs it: one Workflow kept across polls
 * (its static data lives there, as in an active workflow), and n8n-core's
 * PollContext for each poll, in 'trigger' mode on schedule or 'manual' for
 * the editor's "Fetch Test Event".
 */
import { PollContext } from 'n8n-core';
import { Workflow } from 'n8n-workflow';
import type { IDataObject, INode, INodeExecutionData, IPollFunctions } from 'n8n-workflow';

import { ZohoInvoiceTrigger } from '../nodes/ZohoInvoice/ZohoInvoiceTrigger.node';
import { CREDENTIAL_TYPE } from './credentials';
import type { Authentication, CredentialStore } from './credentials';
import { additionalData, nodeTypesOf } from './engine';

export const TRIGGER_TYPE = 'n8n-nodes-zoho-invoice.zohoInvoiceTrigger';
export const triggerType = new ZohoInvoiceTrigger();

export class PollingTrigger {
	readonly workflow: Workflow;

	private readonly node: INode;

	constructor(
		private readonly credentials: CredentialStore,
		events: string[],
		authentication: Authentication = 'selfClient',
	) {
		const node: INode = {
			id: 'zoho-invoice-trigger',
			name: 'Zoho Invoice Trigger',
			type: TRIGGER_TYPE,
			typeVersion: 1,
			position: [0, 0],
			parameters: { authentication, events },
			credentials: {
				[CREDENTIAL_TYPE[authentication]]: { id: 'cred-1', name: 'Zoho Invoice account' },
			},
		};
		this.workflow = new Workflow({
			id: 'wf-trigger',
			nodes: [node],
			connections: {},
			active: true,
			nodeTypes: nodeTypesOf({}, triggerType),
		});
		this.node = this.workflow.getNode(node.name)!;
	}

	/** What the node keeps between polls. */
	get staticData(): IDataObject {
		return this.workflow.getStaticData('node', this.node);
	}

	/** n8n-core's context for one poll. */
	context(mode: 'trigger' | 'manual' = 'trigger'): IPollFunctions {
		return new PollContext(
			this.workflow,
			this.node,
			additionalData(this.credentials, this.workflow),
			mode,
			mode === 'manual' ? 'manual' : 'activate',
		) as unknown as IPollFunctions;
	}

	async poll(mode: 'trigger' | 'manual' = 'trigger'): Promise<INodeExecutionData[][] | null> {
		return await triggerType.poll.call(this.context(mode));
	}

	/** The events of one poll, as the workflow's items would hold them. */
	async events(): Promise<IDataObject[]> {
		const output = await this.poll();
		return output?.[0].map((item) => item.json) ?? [];
	}
}
