import type { ZohoResource } from '../../shared/operation';
import { create } from './create';
import { deleteUser } from './delete';
import { get } from './get';
import { getAll } from './getAll';
import { getCurrent } from './getCurrent';
import { invite } from './invite';
import { markActive } from './markActive';
import { markInactive } from './markInactive';
import { sync } from './sync';
import { update } from './update';
import { upsert } from './upsert';

export const userResource: ZohoResource = {
	name: 'User',
	value: 'user',
	record: 'user',
	operations: [
		create,
		upsert,
		deleteUser,
		get,
		getCurrent,
		getAll,
		invite,
		markActive,
		markInactive,
		sync,
		update,
	],
	defaultOperation: getAll,
};
