import { testUserAction } from '../../../../helpers/userAction';

describe('User → Delete', () => {
	testUserAction({
		operation: 'delete',
		method: 'DELETE',
		pathSuffix: '',
		message: 'The user has been removed from your organization.',
	});
});
