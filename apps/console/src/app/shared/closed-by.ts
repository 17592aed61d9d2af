import type { Thread } from '@parley/contracts';

/**
 * Who closed a thread, in words for its header: the visitor by name, an agent by name when the
 * thread names them (the agent it was assigned to), otherwise what kind of actor it was.
 */
export function closedByName(thread: Thread): string | null {
  const by = thread.closedBy;
  if (!by) return null;
  switch (by.type) {
    case 'visitor':
      return `${thread.visitor.name} (the visitor)`;
    case 'agent':
      return by.id && by.id === thread.assignedAgent?.id ? thread.assignedAgent.name : 'an agent';
    case 'integration':
      return 'an integration';
    default:
      return 'Parley';
  }
}
