import { USERS_SCOPES } from '../../shared/zoho';
import { userAction } from './userAction';

export const deleteUser = userAction({
	name: 'Delete',
	value: 'delete',
	action: 'Delete a user',
	description: 'Remove a user from the organization',
	method: 'DELETE',
	pathAfterUser: '',
	scope: USERS_SCOPES.delete,
});
