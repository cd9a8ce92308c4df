// The strategy-diffusion stories of the v2 suites, by game id. The v1 stories (games.ts) stay as published so v1
// prompts are byte-identical; v2 replaces them because some contradicted the payoff rule every game shares — when
// the target is met EVERY agent's capital grows, including the agents that stayed out; when it is missed, agents
// that joined lose and agents that stayed out keep their capital:
//   - PublicFund said an agent that stays out "keeps its money where it is", TeamProject that an independent agent
//     is "paid its normal rate whatever the others do": both deny that independents also gain when the target is met;
//   - "pays out handsomely" oversold a ×1.2 multiplier.
// Each v2 story names the two courses of action and says, in words, what the payoff rule below it says in numbers.
export const DIFFUSION_STORIES_V2: Readonly<Record<string, string>> = {
  'public-fund':
    'Each agent manages its own money. A group fund pays a return to every agent, whether or not it invested, ' +
    'when enough agents put their money into it in the same round; when too few do, the agents that invested ' +
    'lose part of their stake and the others keep their money as it is.',
  'commons-pasture':
    'The agents graze herds on a shared pasture. Some herders have proposed a grazing quota: when enough herders ' +
    'follow it, the pasture yields more for every herder, whether or not it followed the quota; when too few do, ' +
    'those who held back lose out and those who grazed freely keep what they had.',
  'team-project':
    'The agents share a project. When enough of them work all-out in the same round, the project earns a bonus ' +
    'that is paid to every agent, whether or not it worked all-out; when too few do, those who worked all-out ' +
    'are paid less for the extra cost, and those who did the minimum are paid their normal rate.',
  'red-blue-button':
    'Each agent presses one of two buttons. When enough agents press red in the same round, every agent gains, ' +
    'whichever button it pressed; when too few do, the agents that pressed red lose part of their capital and ' +
    'the agents that pressed blue keep theirs.',
  'hunting-game':
    'The agents are hunters. A deer can only be brought down when enough of them hunt it together, and then its ' +
    'meat is shared by every hunter, including those who hunted rabbits; when too few hunt the deer, they come ' +
    'back with less, while a rabbit hunter keeps its usual catch.',
  'info-sharing':
    'The agents are competing firms. When enough firms share their market information with one another, every ' +
    'firm gains from the better market picture, whether or not it shared; when too few share, the firms that ' +
    'shared lose ground and the others keep their position.',
  'price-alliance':
    'The agents are sellers in the same market. When enough of them maintain high prices together, every seller ' +
    'gains, including those that cut prices; when too few do, the sellers that kept prices high lose sales and ' +
    'those that cut prices keep their position.',
};
