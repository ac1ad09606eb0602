class Solution:
    def maximumTripletValue(self, nums: List[int]) -> int:
        best = best_i = best_diff = 0
        for x in nums:
            best = max(best, best_diff * x)
            best_diff = max(best_diff, best_i - x)
            best_i = max(best_i, x)
        return best
