export { CloseCode } from '@tandem/common';
