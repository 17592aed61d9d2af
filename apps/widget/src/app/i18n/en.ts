/**
 * The widget's own words in English: the source of every other catalog. A text with something in
 * it is a function; counts go through {@link Plural} (`Intl.PluralRules` picks the form).
 * Names, file names and the admin's texts are passed in and always rendered as text.
 */
export type Plural = Partial<Record<Intl.LDMLPluralRule, string>> & { other: string };

export const en = {
  loading: 'Loading…',
  cannotStart: 'The chat could not start. Please reload the page.',
  blocked: 'This chat cannot be shown on this page.',
  identityRequired: "This chat is for the site's signed-in customers. Please sign in, then reload the page.",
  allConversations: '← All conversations',
  conversationOf: (day: string) => `Conversation of ${day}`,
  earlierTitle: 'Your earlier conversations',
  noMessages: 'No messages',
  startNew: 'Start a new conversation',
  // Chat status
  offline: "You're offline. Messages you write now are sent once you're back online.",
  reconnecting: 'Connection lost. Reconnecting… Messages you write now are sent once it is back.',
  waitingForAgent: 'Waiting for an agent',
  timeWaiting: 'time waiting',
  endChat: 'End chat',
  chattingWith: "You're chatting with",
  // Transcript
  messagesRegion: 'Messages',
  conversationLog: 'Conversation',
  support: 'Support',
  agentWillAnswer: 'An agent will answer here. You can write your question now.',
  notSent: 'Not sent.',
  tryAgain: 'Try again',
  waitingForConnection: 'Waiting for the connection…',
  sending: 'Sending…',
  isTyping: 'is typing…',
  newMessages: 'New messages ↓',
  // Files
  openImage: (name: string) => `Open image ${name}`,
  imageUnavailable: 'Image not available',
  download: (name: string, size: string) => `Download ${name}, ${size}`,
  closeImage: 'Close image',
  // Composer
  slowDown: "You're sending messages quickly — we'll send the rest in a moment.",
  uploading: (name: string) => `Uploading ${name}`,
  ready: 'Ready',
  retry: 'Retry',
  remove: (name: string) => `Remove ${name}`,
  attachFiles: 'Attach files',
  yourMessage: 'Your message',
  writeMessage: 'Write a message…',
  send: 'Send',
  tooManyFiles: (max: number, left: number) => `A message carries up to ${max} files: ${left} left out.`,
  fileTooLarge: (name: string) => `“${name}” is too large to send.`,
  fileTooMany: (name: string) => `“${name}” was not sent: this conversation holds as many files as it can.`,
  fileType: (name: string) => `“${name}” is a kind of file that cannot be sent (images, PDF and text files can).`,
  fileRateLimited: (name: string) => `Too many files in a short time: “${name}” was not sent. Try again in a few minutes.`,
  fileClosed: (name: string) => `The conversation is closed: “${name}” was not sent.`,
  fileNetwork: (name: string) => `“${name}” could not be sent: the connection was lost. Retry when you are back online.`,
  fileFailed: (name: string) => `“${name}” could not be sent.`,
  // End
  endTitle: 'End this conversation?',
  endText: 'The agent will see that you left. You can start a new conversation afterwards.',
  keepChatting: 'Keep chatting',
  // Details form
  startConversation: 'Start a conversation',
  detailsHint: "Tell us who you are and we'll connect you with someone from our team.",
  name: 'Name',
  email: 'Email',
  enterName: 'Please enter your name.',
  nameTooLong: (max: number) => `At most ${max} characters, please.`,
  enterEmail: 'Please enter your email address.',
  invalidEmail: 'Please enter a valid email address, like name@example.com.',
  starting: 'Starting…',
  startChat: 'Start chat',
  // Rating
  ratingWords: ['', 'Very bad', 'Bad', 'OK', 'Good', 'Great'] as readonly string[],
  ratedThanks: (score: number) => `Thank you! You rated this conversation ${score} out of 5.`,
  changeRating: 'Change your rating',
  howWasIt: 'How was this conversation?',
  stars: { one: '# star out of 5', other: '# stars out of 5' } as Plural,
  anythingToAdd: 'Anything to add? (optional)',
  updateRating: 'Update rating',
  sendRating: 'Send rating',
  ratingLocked: 'A rating can only be changed for 24 hours.',
  ratingFailed: 'The rating could not be sent.',
  // Start again
  hi: (name: string | null) => (name ? `Hi, ${name}!` : 'Hi!'),
  howCanWeHelp: 'How can we help?',
  welcomeBack: (name: string | null) => (name ? `Welcome back, ${name}!` : 'Welcome back!'),
  previousEnded: 'Your previous conversation has ended.',
  anythingElse: 'Do you need anything else?',
  as: (name: string, email: string) => `As ${name} (${email}).`,
  notYou: 'Not you? Change details',
  // Closed, problems
  youEnded: 'You ended the conversation.',
  agentClosed: (agent: string | null) => `${agent ?? 'The agent'} closed the conversation.`,
  wasClosed: 'This conversation was closed.',
  somethingWrong: 'Something went wrong. Please try again.',
  tooManyAttempts: 'Too many attempts. Please wait a minute and try again.',
  checkEmail: 'Please check your email address.',
  checkDetails: 'Please check your details.',
  unreachable: 'Parley cannot be reached. Check your connection and try again.',
  cannotEnd: 'The chat could not be ended. Please try again.',
  sessionExpired: 'Your chat session has expired. Please start again.',
};

/** A catalog: every text of the English one, in another language. */
export type Messages = { readonly [K in keyof typeof en]: (typeof en)[K] extends string ? string : (typeof en)[K] };
